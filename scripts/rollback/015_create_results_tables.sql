-- rollback/015_create_results_tables.sql
drop table if exists public.writing_results cascade;
drop table if exists public.flashcard_results cascade;
drop table if exists public.quiz_results cascade;

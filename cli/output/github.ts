/** GitHub Actions workflow commands (`::error file=…,line=…::message`), escaped as the runner expects. */
import { escapeData, escapeProperty } from "../../shared/lint/format/text.ts";

export interface AnnotationProperties {
  readonly file?: string;
  readonly line?: number;
  readonly col?: number;
  readonly title?: string;
}

export function annotation(level: "error" | "warning" | "notice", properties: AnnotationProperties, message: string): string {
  const props = Object.entries(properties)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${escapeProperty(String(value))}`)
    .join(",");
  return `::${level}${props ? ` ${props}` : ""}::${escapeData(message)}`;
}

/** Reads a migrations folder (`<dir>/*` and `<dir>/rollback/*`) through vscode.workspace.fs. */
import * as vscode from "vscode";

const decoder = new TextDecoder("utf-8");

/** Relative path inside the migrations folder (`001_x.sql`, `rollback/001_x.sql`) → text. */
export async function readMigrationsFolder(dirUri: vscode.Uri): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const readAll = async (uri: vscode.Uri, prefix: string) => {
    let entries: [string, vscode.FileType][];
    try {
      entries = await vscode.workspace.fs.readDirectory(uri);
    } catch {
      return; // no folder: nothing to read
    }
    await Promise.all(entries.map(async ([name, type]) => {
      if (type !== vscode.FileType.File || !name.toLowerCase().endsWith(".sql")) return;
      const text = await readText(vscode.Uri.joinPath(uri, name));
      if (text !== null) files.set(prefix + name, text);
    }));
  };
  await readAll(dirUri, "");
  await readAll(vscode.Uri.joinPath(dirUri, "rollback"), "rollback/");
  return files;
}

export async function readText(uri: vscode.Uri): Promise<string | null> {
  try {
    return decoder.decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return null;
  }
}

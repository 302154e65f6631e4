// The outcomespec extension for VS Code: colours .ospec files (syntaxes/, generated from the
// grammar's words) and starts the language server, `outcomespec lsp`, over stdio. Everything
// else (diagnostics, hover, definitions, references, completion, outline, formatting,
// renaming) comes from the server, so other editors get the same by starting the same command.
"use strict";

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const [command, ...args] = vscode.workspace
    .getConfiguration("outcomespec")
    .get("server.command", ["outcomespec", "lsp"]);
  client = new LanguageClient(
    "outcomespec",
    "outcomespec",
    { command, args },
    { documentSelector: [{ scheme: "file", language: "outcomespec" }] },
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client === undefined ? undefined : client.stop();
}

module.exports = { activate, deactivate };

#!/usr/bin/env node
// Offline validation of rendered Kubernetes manifests (multi-document YAML).
//
//   node validate.mjs [FILE...]      (no FILE, or "-": read standard input)
//
// Two passes over every document:
//  1. schema: the document's apiVersion/kind must be a built-in Kubernetes type known to the
//     npm package kubernetes-models (anything else -- a typo'd kind, a CRD -- is rejected), and
//     the object must pass that model's validate() (JSON schema generated from the Kubernetes
//     OpenAPI: types, required fields, enums, formats).
//  2. strict fields: the kubernetes-models schemas do NOT forbid unknown properties (the
//     Kubernetes OpenAPI has no additionalProperties:false), so a misspelt optional field such
//     as `readinesProbe` passes pass 1 and would be silently dropped by the API server.
//     Pass 2 type-checks each document as an object literal against the TypeScript interface
//     that kubernetes-models ships for it; excess-property checking then reports unknown keys.
//     (TypeScript reports at most one unknown key per object literal per run.)
//
// Exits 0 when every document passes, 1 when any fails (every error is listed as
// "Kind/namespace/name: /json/path message"), 2 on usage or input errors.

import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import ts from "typescript";
import * as models from "kubernetes-models";

const here = path.dirname(fileURLToPath(import.meta.url));
const modelsDir = path.dirname(fileURLToPath(import.meta.resolve("kubernetes-models")));
const modelsVersion = JSON.parse(readFileSync(path.join(modelsDir, "package.json"), "utf8")).version;

// ---- apiVersion/kind -> model class -------------------------------------------------------
// kubernetes-models exports namespaces: core as `v1`, the other groups as group -> version.
// A top-level kind is a class carrying static apiVersion and kind (nested types have none);
// each class is also exported under an IoK8s... alias, which the kind === export name test skips.
const registry = new Map();
(function collect(ns, depth) {
  for (const [name, value] of Object.entries(ns)) {
    if (typeof value === "function") {
      if (typeof value.apiVersion === "string" && value.kind === name) {
        registry.set(`${value.apiVersion} ${value.kind}`, value);
      }
    } else if (value && typeof value === "object" && depth < 2) {
      collect(value, depth + 1);
    }
  }
})(models, 0);

// TypeScript module that declares the interface of a kind, e.g. kubernetes-models/apps/v1/StatefulSet.
function typeModule(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  return group ? `kubernetes-models/${group}/${version}/${kind}` : `kubernetes-models/${version}/${kind}`;
}

// ---- input --------------------------------------------------------------------------------
const args = process.argv.slice(2);
if (args.some((a) => a === "-h" || a === "--help")) {
  console.log("usage: node validate.mjs [FILE...]   (no FILE or '-': standard input)");
  process.exit(0);
}
const sources = args.length ? args : ["-"];

const docs = []; // { source, index, obj }
const errors = []; // strings
for (const source of sources) {
  let text;
  try {
    text = source === "-" ? readFileSync(0, "utf8") : readFileSync(source, "utf8");
  } catch (e) {
    console.error(`validate: cannot read ${source}: ${e.message}`);
    process.exit(2);
  }
  const label = source === "-" ? "<stdin>" : source;
  parseAllDocuments(text, { prettyErrors: true }).forEach((doc, index) => {
    if (doc.errors.length) {
      for (const e of doc.errors) errors.push(`${label} document ${index + 1}: YAML error: ${e.message}`);
      return;
    }
    const obj = doc.toJS({ maxAliasCount: 100 });
    if (obj === null || obj === undefined) return; // empty document (e.g. a trailing ---)
    docs.push({ source: label, index, obj });
  });
}

function nameOf({ source, index, obj }) {
  if (!obj || typeof obj !== "object" || Array.isArray(obj)) return `${source} document ${index + 1}`;
  const md = obj.metadata && typeof obj.metadata === "object" ? obj.metadata : {};
  const ns = md.namespace ? `${md.namespace}/` : "";
  return `${obj.kind ?? "<no kind>"}/${ns}${md.name ?? "<no name>"}`;
}

function formatAjv(e) {
  const where = e.instancePath || "/";
  const p = e.params || {};
  let extra = "";
  if (p.allowedValues) extra = ` (allowed: ${p.allowedValues.join(", ")})`;
  else if (p.additionalProperty) extra = ` (${p.additionalProperty})`;
  else if (p.format) extra = ` (format ${p.format})`;
  return `${where} ${e.message}${extra}`;
}

// ---- pass 1: kind + schema ------------------------------------------------------------------
const seen = new Map();
const strictCandidates = [];
for (const d of docs) {
  const who = nameOf(d);
  const { obj } = d;
  if (!obj || typeof obj !== "object" || Array.isArray(obj)) {
    errors.push(`${who}: not a YAML mapping`);
    continue;
  }
  if (typeof obj.apiVersion !== "string" || typeof obj.kind !== "string") {
    errors.push(`${who}: apiVersion and kind are required strings`);
    continue;
  }
  if (!obj.metadata || typeof obj.metadata.name !== "string" || obj.metadata.name === "") {
    errors.push(`${who}: metadata.name is required`);
  }
  const key = `${obj.apiVersion} ${obj.kind} ${obj.metadata?.namespace ?? ""} ${obj.metadata?.name ?? ""}`;
  if (seen.has(key)) errors.push(`${who}: duplicate object (also ${seen.get(key)})`);
  seen.set(key, `${d.source} document ${d.index + 1}`);

  const Model = registry.get(`${obj.apiVersion} ${obj.kind}`);
  if (!Model) {
    errors.push(
      `${who}: unknown kind "${obj.kind}" in apiVersion "${obj.apiVersion}" ` +
        `(not a built-in type of kubernetes-models ${modelsVersion})`,
    );
    continue;
  }
  // kustomize wraps long base64 values (Secret data, ConfigMap binaryData) at 70 columns. The
  // API server's base64 decoder (Go encoding/base64) skips \r and \n, so do the same here
  // before checking the "byte" format.
  const byteMap = obj.kind === "Secret" ? "data" : obj.kind === "ConfigMap" ? "binaryData" : null;
  if (byteMap && obj[byteMap] && typeof obj[byteMap] === "object") {
    for (const [k, v] of Object.entries(obj[byteMap])) {
      if (typeof v === "string") obj[byteMap][k] = v.replace(/[\r\n]/g, "");
    }
  }
  try {
    new Model(obj).validate();
  } catch (e) {
    if (Array.isArray(e.errors) && e.errors.length) {
      for (const err of e.errors) errors.push(`${who}: ${formatAjv(err)}`);
    } else {
      errors.push(`${who}: ${e.message}`);
    }
    continue;
  }
  strictCandidates.push(d);
}

// ---- pass 2: unknown fields (TypeScript excess-property check) ----------------------------
// Each document becomes `const dN: I<Kind> = <object literal>;` with one property per line;
// `lines` remembers which document and JSON path each generated line belongs to.
if (strictCandidates.length) {
  const out = [];
  const lines = []; // index = line number in the generated file
  const emitLine = (text, doc, p) => {
    out.push(text);
    lines.push({ doc, path: p });
  };
  strictCandidates.forEach((d, i) => {
    emitLine(`import type { I${d.obj.kind} as T${i} } from ${JSON.stringify(typeModule(d.obj.apiVersion, d.obj.kind))};`, d, "/");
  });
  const emit = (key, v, p, ind, comma, d) => {
    const prefix = ind + (key === null ? "" : `${JSON.stringify(key)}: `);
    if (Array.isArray(v)) {
      if (!v.length) return emitLine(`${prefix}[]${comma}`, d, p);
      emitLine(`${prefix}[`, d, p);
      v.forEach((x, j) => emit(null, x, `${p}/${j}`, ind + "  ", j < v.length - 1 ? "," : "", d));
      return emitLine(`${ind}]${comma}`, d, p);
    }
    if (v && typeof v === "object") {
      const entries = Object.entries(v);
      if (!entries.length) return emitLine(`${prefix}{}${comma}`, d, p);
      emitLine(`${prefix}{`, d, p);
      entries.forEach(([k, x], j) =>
        emit(k, x, `${p === "/" ? "" : p}/${k}`, ind + "  ", j < entries.length - 1 ? "," : "", d),
      );
      return emitLine(`${ind}}${comma}`, d, p);
    }
    // YAML timestamps/binary are not expected in manifests; anything else is JSON-safe.
    return emitLine(`${prefix}${JSON.stringify(v === undefined ? null : v)}${comma}`, d, p);
  };
  strictCandidates.forEach((d, i) => {
    emitLine(`export const d${i}: T${i} =`, d, "/");
    emit(null, d.obj, "/", "  ", ";", d);
  });

  const fileName = path.join(here, "__rendered_manifests__.mts");
  const sourceText = out.join("\n") + "\n";
  const options = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    lib: ["lib.es2022.d.ts"],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: [],
  };
  const host = ts.createCompilerHost(options, true);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (f, lang, ...rest) =>
    path.resolve(f) === fileName ? ts.createSourceFile(f, sourceText, lang, true) : getSourceFile.call(host, f, lang, ...rest);
  host.fileExists = (f) => path.resolve(f) === fileName || fileExists.call(host, f);
  host.readFile = (f) => (path.resolve(f) === fileName ? sourceText : readFile.call(host, f));
  const program = ts.createProgram([fileName], options, host);
  const diagnostics = [...program.getSyntacticDiagnostics(), ...program.getSemanticDiagnostics(), ...program.getGlobalDiagnostics()];
  for (const diag of diagnostics) {
    const message = ts.flattenDiagnosticMessageText(diag.messageText, " ");
    if (diag.file && path.resolve(diag.file.fileName) === fileName && diag.start !== undefined) {
      const { line } = diag.file.getLineAndCharacterOfPosition(diag.start);
      const at = lines[line];
      const unknown = /Object literal may only specify known properties, and '"?([^'"]+)"?' does not exist in type '([^']+)'/.exec(message);
      errors.push(
        unknown
          ? `${nameOf(at.doc)}: ${at.path} unknown field "${unknown[1]}" (not in ${unknown[2].replace(/^IIoK8s/, "")})`
          : `${nameOf(at.doc)}: ${at.path} ${message}`,
      );
    } else {
      errors.push(`strict field check: ${message}`); // e.g. a type module that failed to resolve
    }
  }
}

// ---- report ---------------------------------------------------------------------------------
if (!docs.length && !errors.length) errors.push("no Kubernetes objects in the input");
if (errors.length) {
  for (const e of errors) console.error(`INVALID ${e}`);
  console.error(`validate: ${errors.length} error(s) in ${docs.length} object(s)`);
  process.exit(1);
}
for (const d of docs) console.log(`ok ${d.obj.apiVersion} ${nameOf(d)}`);
console.log(`validate: ${docs.length} object(s) valid (kubernetes-models ${modelsVersion}, strict fields)`);

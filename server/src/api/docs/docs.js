// Renders /api/v1/openapi.json as a list of operations grouped by tag. Text only goes in
// through textContent: nothing from the document is parsed as HTML.
"use strict";

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

function schemaText(doc, s, depth) {
  if (!s) return "";
  if (s.$ref) {
    const name = s.$ref.split("/").pop();
    const target = ((doc.components || {}).schemas || {})[name];
    return depth > 2 || !target ? name : name + " " + schemaText(doc, target, depth + 1);
  }
  if (s.oneOf) return s.oneOf.map((x) => schemaText(doc, x, depth + 1)).join(" | ");
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(" | ");
  const type = Array.isArray(s.type) ? s.type.filter((t) => t !== "null").join("|") : s.type;
  if (type === "array") return "[" + schemaText(doc, s.items, depth + 1) + "]";
  if (s.properties) {
    const req = new Set(s.required || []);
    const fields = Object.entries(s.properties).map(
      ([k, v]) => k + (req.has(k) ? "" : "?") + ": " + schemaText(doc, v, depth + 1)
    );
    return "{" + fields.join(", ") + "}";
  }
  return type || "any";
}

function render(doc) {
  document.getElementById("info").textContent =
    (doc.info.description || "") + " (OpenAPI " + doc.openapi + ", version " + doc.info.version + ")";
  const groups = new Map();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!op || typeof op !== "object" || !op.responses) continue;
      const tag = (op.tags && op.tags[0]) || "other";
      if (!groups.has(tag)) groups.set(tag, []);
      groups.get(tag).push([method.toUpperCase(), path, op]);
    }
  }
  const nav = document.getElementById("tags");
  const out = document.getElementById("operations");
  out.textContent = "";
  for (const [tag, ops] of groups) {
    const link = el("a", tag);
    link.href = "#tag-" + tag;
    nav.append(link, " ");
    const section = el("section");
    const h = el("h2", tag);
    h.id = "tag-" + tag;
    section.append(h);
    for (const [method, path, op] of ops) {
      const d = el("details");
      d.id = op.operationId || method + path;
      const sum = el("summary");
      sum.append(el("code", method + " " + path), " ", op.summary || "");
      d.append(sum);
      const access = op["x-access"] === "public" ? "public" : (op["x-roles"] || []).join(", ");
      d.append(el("p", "Roles: " + access));
      if (op.description) d.append(el("p", op.description));
      const params = op.parameters || [];
      if (params.length) {
        const ul = el("ul");
        for (const p of params) {
          ul.append(el("li", p.in + " " + p.name + (p.required ? "" : "?") + ": " +
            schemaText(doc, p.schema, 0) + (p.description ? " — " + p.description : "")));
        }
        d.append(el("h3", "Parameters"), ul);
      }
      if (op.requestBody) {
        const ul = el("ul");
        for (const [type, c] of Object.entries(op.requestBody.content || {})) {
          ul.append(el("li", type + ": " + schemaText(doc, c.schema, 0)));
        }
        d.append(el("h3", "Body" + (op.requestBody.required ? "" : " (optional)")), ul);
      }
      const ul = el("ul");
      for (const [code, r] of Object.entries(op.responses)) {
        const c = r.content && r.content["application/json"];
        // Errors all share the Error body: name it rather than spell it out each time.
        const shape = !c ? "" : code >= "400" ? " — Error" : " — " + schemaText(doc, c.schema, 1);
        ul.append(el("li", code + " " + (r.description || "") + shape));
      }
      d.append(el("h3", "Responses"), ul);
      section.append(d);
    }
    out.append(section);
  }
}

fetch("/api/v1/openapi.json", { credentials: "same-origin" })
  .then((r) => r.json())
  .then(render)
  .catch((e) => {
    document.getElementById("operations").textContent = "The document could not be read: " + e;
  });

"""The OpenAPI 3 document, generated from the route table (served at /api/v1/openapi.json), and
a small self-contained page that browses it (/api/v1/docs; no CDN needed)."""

from __future__ import annotations

import re
from typing import Any

from omnicontacts import __version__
from omnicontacts.api.endpoint import Endpoint

_PARAM = re.compile(r"{([^}]+)}")


def _clean(schema: Any) -> Any:
    """AJV's `nullable`/`isNotEmpty` are not OpenAPI 3.1; translate or drop them."""
    if isinstance(schema, dict):
        out = {k: _clean(v) for k, v in schema.items() if k not in ("isNotEmpty", "nullable")}
        if schema.get("nullable") and isinstance(schema.get("type"), str):
            out["type"] = [schema["type"], "null"]
        if schema.get("isNotEmpty"):
            out["minLength"] = 1
        return out
    if isinstance(schema, list):
        return [_clean(v) for v in schema]
    return schema


def build(endpoints: list[Endpoint]) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for ep in endpoints:
        op: dict[str, Any] = {
            "summary": ep.summary or ep.path,
            "tags": [ep.tag],
            "responses": {
                "200": {"description": "success envelope (`success: true` last)"},
                "400": {"description": "failure envelope"},
            },
        }
        if ep.auth:
            op["security"] = [{"userId": [], "authToken": []}]
            op["responses"]["401"] = {"description": "You must be logged in to do this."}
        if ep.permissions:
            op["x-permissions"] = list(ep.permissions)
            op["responses"]["403"] = {"description": "error-unauthorized"}
        params = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in _PARAM.findall(ep.full_path)
        ]
        schema = ep.schema or ep.meteor
        if schema is not None and not ep.reads_body:
            required = set(schema.get("required", []))
            for name, prop in (schema.get("properties") or {}).items():
                params.append(
                    {"name": name, "in": "query", "required": name in required, "schema": _clean(prop)}
                )
            if "oneOf" in schema:
                op["x-query-oneOf"] = _clean(schema["oneOf"])
        if params:
            op["parameters"] = params
        if ep.reads_body:
            body_schema = _clean(dict(schema)) if schema is not None else {"type": "object"}
            op["requestBody"] = {"content": {"application/json": {"schema": body_schema}}}
        paths.setdefault(ep.full_path, {})[ep.method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "omnicontacts",
            "version": __version__,
            "description": "Rocket.Chat-compatible omnichannel contact center API.",
        },
        "components": {
            "securitySchemes": {
                "userId": {"type": "apiKey", "in": "header", "name": "X-User-Id"},
                "authToken": {"type": "apiKey", "in": "header", "name": "X-Auth-Token"},
            }
        },
        "paths": paths,
    }


DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>omnicontacts API</title>
<style>
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
h2{border-bottom:1px solid #ddd;padding-bottom:.3rem}
details{border:1px solid #ddd;border-radius:6px;margin:.4rem 0;padding:.4rem .8rem}
summary{cursor:pointer;font-family:monospace}
.m{display:inline-block;min-width:4.5rem;font-weight:bold}
.GET{color:#1565c0}.POST{color:#2e7d32}.DELETE{color:#c62828}
pre{background:#f6f8fa;padding:.6rem;overflow:auto}
</style></head>
<body><h1>omnicontacts API</h1>
<p>Generated from the route table: <a href="/api/v1/openapi.json">openapi.json</a>.
Authenticated routes need the <code>X-User-Id</code> and <code>X-Auth-Token</code> headers from
<code>POST /api/v1/login</code>.</p><div id="out">Loading…</div>
<script>
fetch('/api/v1/openapi.json').then(r=>r.json()).then(doc=>{
  const byTag={};
  for(const [path,ops] of Object.entries(doc.paths)){
    for(const [method,op] of Object.entries(ops)){(byTag[op.tags[0]]??=[]).push([path,method,op]);}
  }
  const out=document.getElementById('out');out.textContent='';
  for(const [tag,rows] of Object.entries(byTag)){
    const h=document.createElement('h2');h.textContent=tag;out.append(h);
    for(const [path,method,op] of rows){
      const d=document.createElement('details');const s=document.createElement('summary');
      const m=document.createElement('span');const M=method.toUpperCase();
      m.className='m '+M;m.textContent=M;
      s.append(m,document.createTextNode(' '+path+(op.security?'':'  (no auth)')));d.append(s);
      const pre=document.createElement('pre');
      pre.textContent=JSON.stringify({permissions:op['x-permissions'],parameters:op.parameters,
        body:op.requestBody&&op.requestBody.content['application/json'].schema},null,2);
      d.append(pre);out.append(d);
    }
  }
});
</script></body></html>
"""

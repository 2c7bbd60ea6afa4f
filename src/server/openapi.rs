//! The OpenAPI 3.1 description of every route, written by hand and kept true by tests that
//! compare it with the router and validate real responses against its schemas.

use serde_json::{json, Value};

fn error_responses(codes: &[(&str, &str)]) -> Value {
    let mut m = serde_json::Map::new();
    for (status, what) in codes {
        m.insert(
            status.to_string(),
            json!({
                "description": what,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
            }),
        );
    }
    Value::Object(m)
}

fn merge(mut a: Value, b: Value) -> Value {
    if let (Some(a), Value::Object(b)) = (a.as_object_mut(), b) {
        a.extend(b);
    }
    a
}

fn json_ok(schema: &str, description: &str) -> Value {
    json!({"200": {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}
    }})
}

fn html_ok(description: &str) -> Value {
    json!({"200": {"description": description, "content": {"text/html": {"schema": {"type": "string"}}}}})
}

fn param(name: &str, location: &str, required: bool, schema: Value, description: &str) -> Value {
    json!({"name": name, "in": location, "required": required, "schema": schema, "description": description})
}

fn id_param() -> Value {
    param(
        "id",
        "path",
        true,
        json!({"type": "string", "pattern": "^[0-9a-f]{16}$"}),
        "Document id (16 hex digits, from search results)",
    )
}

fn q_param(required: bool) -> Value {
    param(
        "q",
        "query",
        required,
        json!({"type": "string", "maxLength": 2000}),
        "Query in provisio's syntax: words, \"phrases\", -exclude, OR, title:, path:, lang:, format:, provision:, issuer:, docno:, region:, type:, year:, date:, *",
    )
}

fn filter_params() -> Vec<Value> {
    vec![
        param(
            "lang",
            "query",
            false,
            json!({"type": "string", "pattern": "^([a-z]{2,3})?$"}),
            "Only documents in this language (zh, en …); empty means any",
        ),
        param(
            "format",
            "query",
            false,
            json!({"type": "string", "enum": ["", "pdf", "html", "docx", "text"]}),
            "Only documents of this format; empty means any",
        ),
    ]
}

/// 401 for a page: the JSON error, or the login form for a browser.
fn page_unauthorized() -> Value {
    json!({"401": {"description": "A token is required (servers started with --token): the login form for browsers, else the JSON error", "content": {
        "text/html": {"schema": {"type": "string"}},
        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
    }}})
}

fn expand_param() -> Value {
    param(
        "expand",
        "query",
        false,
        json!({"type": "boolean", "default": true}),
        "Expand English words naming a provision (export license) to its Chinese terms; the response lists what was expanded",
    )
}

fn facet_counts() -> Value {
    json!({"type": "array", "items": {"$ref": "#/components/schemas/FacetCount"}})
}

fn schemas() -> Value {
    json!({
        "Error": {
            "type": "object", "required": ["error"],
            "properties": {"error": {
                "type": "object", "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string", "description": "Stable machine-readable code, e.g. bad_query, bad_limit, not_found, unauthorized"},
                    "message": {"type": "string"}
                }
            }}
        },
        "PassageHit": {
            "type": "object", "required": ["page", "label", "ordinal", "provisions", "ocr", "text", "highlight", "score"],
            "properties": {
                "page": {"type": "integer", "minimum": 0},
                "label": {"type": "string", "description": "Citation label: 第三条, 一、（二）, ¶4 …"},
                "ordinal": {"type": "integer", "minimum": 0, "description": "Position in the document; the HTML view anchors it as #p-{ordinal}"},
                "provisions": {"type": "array", "items": {"type": "string"}, "description": "Ids of the provisions the passage is tagged with"},
                "ocr": {"type": "boolean", "description": "The text was read by OCR from a scan: a quote may hold recognition errors"},
                "text": {"type": "string"},
                "highlight": {"type": "string", "description": "HTML-escaped snippet, matches in <mark>"},
                "score": {"type": "number"}
            }
        },
        "DocumentHit": {
            "type": "object",
            "required": ["id", "path", "title", "format", "language", "issuers", "regions", "hash", "score", "matching_passages", "passages"],
            "properties": {
                "id": {"type": "string"},
                "path": {"type": "string"},
                "title": {"type": "string"},
                "format": {"type": "string"},
                "language": {"type": "string"},
                "date": {"type": "string", "description": "成文日期 (or a news report's date), YYYY-MM-DD when known"},
                "docno": {"type": "string", "description": "发文字号, brackets normalised: 川商发〔2023〕12号"},
                "issuers": {"type": "array", "items": {"type": "string"}, "description": "发文机关"},
                "doctype": {"type": "string", "description": "文种: 通知, 意见, 办法 …"},
                "regions": {"type": "array", "items": {"type": "string"}, "description": "Region paths with ancestors: /四川省, /四川省/成都市"},
                "hash": {"type": "string", "description": "blake3 of the file"},
                "score": {"type": "number"},
                "matching_passages": {"type": "integer", "minimum": 0},
                "passages": {"type": "array", "items": {"$ref": "#/components/schemas/PassageHit"}}
            }
        },
        "SearchResponse": {
            "type": "object",
            "required": ["query", "total_documents", "total_passages", "took_ms", "documents"],
            "properties": {
                "query": {"type": "string"},
                "total_documents": {"type": "integer", "minimum": 0},
                "total_passages": {"type": "integer", "minimum": 0},
                "cached": {"type": "boolean", "description": "The matches came from the server's cache of recent searches of the same index commit (absent when not); took_ms is then the time to make this page"},
                "took_ms": {"type": "number"},
                "expanded": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}, "description": "English phrase of the query → the Chinese provision terms it was expanded to"},
                "facets": {"$ref": "#/components/schemas/Facets", "description": "Matching documents per language, format, provision, region, issuer, type and year"},
                "documents": {"type": "array", "items": {"$ref": "#/components/schemas/DocumentHit"}}
            }
        },
        "FacetCount": {
            "type": "object", "required": ["value", "documents"],
            "properties": {"value": {"type": "string"}, "documents": {"type": "integer", "minimum": 0}}
        },
        "Facets": {
            "type": "object",
            "required": ["language", "format", "provision", "region", "issuer", "doctype", "year"],
            "properties": {
                "language": facet_counts(), "format": facet_counts(), "provision": facet_counts(),
                "region": facet_counts(), "issuer": facet_counts(), "doctype": facet_counts(), "year": facet_counts()
            }
        },
        "MatrixColumn": {
            "type": "object", "required": ["id", "label_en", "label_zh", "documents", "filter"],
            "properties": {
                "id": {"type": "string"}, "label_en": {"type": "string"}, "label_zh": {"type": "string"},
                "documents": {"type": "integer", "minimum": 0},
                "filter": {"type": "string", "description": "Query clause selecting this column (provision:…)"}
            }
        },
        "MatrixRow": {
            "type": "object", "required": ["value", "documents", "cells", "filter"],
            "properties": {
                "value": {"type": "string"},
                "documents": {"type": "integer", "minimum": 0, "description": "Matching documents with this value"},
                "cells": {"type": "array", "items": {"type": "integer", "minimum": 0}, "description": "Documents per column, in column order"},
                "filter": {"type": "string", "description": "Query clause selecting this row (region:…, issuer:…, year:…, type:…)"}
            }
        },
        "Matrix": {
            "type": "object", "required": ["query", "rows_by", "columns", "rows", "total_documents", "without_row_value"],
            "properties": {
                "query": {"type": "string"},
                "rows_by": {"type": "string", "enum": ["region", "issuer", "year", "doctype"]},
                "columns": {"type": "array", "items": {"$ref": "#/components/schemas/MatrixColumn"}},
                "rows": {"type": "array", "items": {"$ref": "#/components/schemas/MatrixRow"}},
                "total_documents": {"type": "integer", "minimum": 0},
                "without_row_value": {"type": "integer", "minimum": 0},
                "expanded": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}}
            }
        },
        "Passage": {
            "type": "object", "required": ["ordinal", "page", "label", "provisions", "ocr", "text"],
            "properties": {
                "ordinal": {"type": "integer", "minimum": 0, "description": "Position in reading order; the HTML view anchors it as #p-{ordinal}"},
                "page": {"type": "integer", "minimum": 0},
                "label": {"type": "string"},
                "provisions": {"type": "array", "items": {"type": "string"}, "description": "Ids of the provisions the passage is tagged with"},
                "ocr": {"type": "boolean", "description": "Read by OCR from a scan"},
                "text": {"type": "string"}
            }
        },
        "Document": {
            "type": "object",
            "required": ["id", "path", "title", "format", "language", "size", "mtime", "hash", "pages", "issuers", "regions", "passages"],
            "properties": {
                "id": {"type": "string"},
                "path": {"type": "string", "description": "Relative to the corpus folder"},
                "title": {"type": "string"},
                "format": {"type": "string"},
                "language": {"type": "string"},
                "date": {"type": "string"},
                "size": {"type": "integer", "minimum": 0},
                "mtime": {"type": "integer", "description": "Seconds since the Unix epoch"},
                "hash": {"type": "string", "description": "blake3 of the file"},
                "encoding": {"type": "string"},
                "pages": {"type": "integer", "minimum": 0},
                "docno": {"type": "string", "description": "发文字号"},
                "issuers": {"type": "array", "items": {"type": "string"}, "description": "发文机关"},
                "doctype": {"type": "string", "description": "文种"},
                "regions": {"type": "array", "items": {"type": "string"}, "description": "Region paths with ancestors"},
                "passages": {"type": "array", "items": {"$ref": "#/components/schemas/Passage"}},
                "matching_passages": {"type": "array", "items": {"type": "integer"}, "description": "Ordinals of the passages q matches (only when q is given)"}
            }
        },
        "Count": {
            "type": "object", "required": ["documents", "passages"],
            "properties": {"documents": {"type": "integer"}, "passages": {"type": "integer"}}
        },
        "Failure": {
            "type": "object", "required": ["path", "reason"],
            "properties": {"path": {"type": "string"}, "reason": {"type": "string"}}
        },
        "Stats": {
            "type": "object",
            "required": ["documents", "passages", "by_format", "by_language", "unsupported", "failed", "index_bytes", "last_indexed", "by_provision"],
            "properties": {
                "documents": {"type": "integer"},
                "passages": {"type": "integer"},
                "by_format": {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/Count"}},
                "by_language": {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/Count"}},
                "unsupported": {"type": "integer"},
                "failed": {"type": "array", "items": {"$ref": "#/components/schemas/Failure"}},
                "index_bytes": {"type": "integer"},
                "last_indexed": {"type": ["string", "null"]},
                "by_provision": {"type": "array", "items": {"$ref": "#/components/schemas/FacetCount"}, "description": "Documents with a passage tagged with each provision"}
            }
        },
        "Health": {
            "type": "object", "required": ["status", "version", "passages"],
            "properties": {
                "status": {"type": "string", "enum": ["ok"]},
                "version": {"type": "string"},
                "passages": {"type": "integer"}
            }
        }
    })
}

/// The OpenAPI document served at `/api/openapi.json`.
pub fn openapi_spec() -> Value {
    let unauthorized = ("401", "A token is required (servers started with --token)");
    let search_params: Vec<Value> = [
        vec![
            q_param(true),
            param(
                "limit",
                "query",
                false,
                json!({"type": "integer", "minimum": 1, "maximum": 100, "default": 10}),
                "Documents to return",
            ),
            param(
                "offset",
                "query",
                false,
                json!({"type": "integer", "minimum": 0, "maximum": 10000, "default": 0}),
                "Documents to skip",
            ),
        ],
        filter_params(),
        vec![
            expand_param(),
            param(
                "facets",
                "query",
                false,
                json!({"type": "boolean", "default": true}),
                "Count matching documents per facet value (false leaves `facets` out and answers sooner)",
            ),
        ],
    ]
    .concat();
    let page_params: Vec<Value> = [
        vec![
            q_param(false),
            param(
                "page",
                "query",
                false,
                json!({"type": "integer", "minimum": 1, "maximum": 1000}),
                "Result page (10 documents each)",
            ),
        ],
        filter_params(),
    ]
    .concat();
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "provisio",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Search Chinese and English policy documents for provisions; results grouped by document, each passage cited by page and clause. Errors are JSON: {\"error\":{\"code\":\"…\",\"message\":\"…\"}}."
        },
        "components": {
            "schemas": schemas(),
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "Required only when the server was started with --token"}
            }
        },
        "security": [{}, {"bearer": []}],
        "paths": {
            "/": {"get": {
                "summary": "Search page (HTML, works without JavaScript)",
                "parameters": page_params,
                "responses": merge(merge(html_ok("Results grouped by document, with filters and pagination"),
                    json!({"400": {"description": "Malformed query or parameter (shown on the page)", "content": {"text/html": {"schema": {"type": "string"}}}}})), page_unauthorized())
            }},
            "/doc/{id}": {"get": {
                "summary": "Document view (HTML): the whole text page by page, passages anchored #p-{ordinal}, matches of q highlighted",
                "parameters": [id_param(), q_param(false)],
                "responses": merge(merge(html_ok("The document"), json!({
                    "400": {"description": "Malformed parameter (q too long)", "content": {"text/html": {"schema": {"type": "string"}}}},
                    "404": {"description": "Unknown id", "content": {"text/html": {"schema": {"type": "string"}}}}
                })), page_unauthorized())
            }},
            "/file/{id}": {"get": {
                "summary": "The original file of an indexed document, with its content type (link #page=N for PDFs)",
                "parameters": [id_param()],
                "responses": merge(json!({
                    "200": {"description": "The file, with the content type of its format (text and HTML with their charset)", "content": {
                        "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                        "text/html": {"schema": {"type": "string", "format": "binary"}},
                        "text/plain": {"schema": {"type": "string", "format": "binary"}},
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {"schema": {"type": "string", "format": "binary"}},
                        "image/png": {"schema": {"type": "string", "format": "binary"}},
                        "image/jpeg": {"schema": {"type": "string", "format": "binary"}},
                        "image/tiff": {"schema": {"type": "string", "format": "binary"}},
                        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                    }},
                    "206": {"description": "A byte range of the file (Range requests)"},
                    "416": {"description": "The requested range is outside the file"},
                    "404": {"description": "Unknown id, or the file is gone or outside the corpus", "content": {"text/html": {"schema": {"type": "string"}}}}
                }), page_unauthorized())
            }},
            "/assets/{name}": {"get": {
                "summary": "Embedded stylesheet, script and icon",
                "parameters": [param("name", "path", true, json!({"type": "string", "enum": ["style.css", "app.js", "favicon.svg"]}), "Asset name")],
                "security": [],
                "responses": merge(json!({"200": {"description": "The asset"}}), error_responses(&[("404", "No such asset")]))
            }},
            "/login": {
                "get": {
                    "summary": "Login form (servers started with --token); redirects to / otherwise",
                    "security": [],
                    "responses": merge(html_ok("The form"), json!({"303": {"description": "No token needed: go to /"}}))
                },
                "post": {
                    "summary": "Check the token and set the session cookie",
                    "security": [],
                    "requestBody": {"required": true, "content": {"application/x-www-form-urlencoded": {"schema": {
                        "type": "object", "required": ["token"], "properties": {"token": {"type": "string"}}
                    }}}},
                    "responses": merge(json!({
                        "303": {"description": "Logged in (cookie set), go to /"},
                        "401": {"description": "Wrong token", "content": {"text/html": {"schema": {"type": "string"}}}}
                    }), error_responses(&[("400", "Not a form with a token field"), ("413", "Body over 16 KiB")]))
                }
            },
            "/health": {"get": {
                "summary": "Liveness: the server answers and its index is readable (open without a token)",
                "security": [],
                "responses": json_ok("Health", "Up")
            }},
            "/api/search": {"get": {
                "summary": "Search: documents ranked by their best passage, each with its best passages (the schema of `provisio search --json`)",
                "parameters": search_params,
                "responses": merge(json_ok("SearchResponse", "Results"), error_responses(&[
                    ("400", "Malformed query (bad_query), missing q (missing_query), limit outside 1–100 (bad_limit), query over 2000 characters (query_too_long), bad filter (bad_filter) or parameter (bad_parameter)"),
                    unauthorized,
                    ("503", "Index missing or the search took too long"),
                ]))
            }},
            "/api/doc/{id}": {"get": {
                "summary": "A document: metadata and every passage in reading order",
                "parameters": [id_param(), q_param(false)],
                "responses": merge(json_ok("Document", "The document"), error_responses(&[
                    ("400", "Malformed q"), unauthorized, ("404", "Unknown id")
                ]))
            }},
            "/api/stats": {"get": {
                "summary": "What the index holds (the schema of `provisio stats --json`)",
                "responses": merge(json_ok("Stats", "Statistics"), error_responses(&[unauthorized]))
            }},
            "/matrix": {"get": {
                "summary": "Provision matrix (HTML): documents per region, issuer, year or type × provision; each cell links to its search",
                "parameters": [q_param(false), param("rows", "query", false, json!({"type": "string", "enum": ["region", "issuer", "year", "type"], "default": "region"}), "What the rows are"), expand_param(), param("all", "query", false, json!({"type": "boolean", "default": false}), "Also show provisions no document has")],
                "responses": merge(merge(html_ok("The table"), json!({"400": {"description": "Malformed query or parameter", "content": {"text/html": {"schema": {"type": "string"}}}}})), page_unauthorized())
            }},
            "/api/matrix": {"get": {
                "summary": "Provision matrix: counts of documents (not passages) per row value × provision, for all documents or those matching q (the schema of `provisio matrix --json`)",
                "parameters": [q_param(false), param("rows", "query", false, json!({"type": "string", "enum": ["region", "issuer", "year", "type"], "default": "region"}), "What the rows are"), expand_param()],
                "responses": merge(json_ok("Matrix", "The matrix"), error_responses(&[("400", "Malformed query or parameter"), unauthorized]))
            }},
            "/api/export": {"get": {
                "summary": "Evidence export: one row per matching passage with title, issuer, docno, doctype, date, region, path, page, label, text, provisions and the file's blake3; streamed",
                "parameters": [q_param(true), param("format", "query", false, json!({"type": "string", "enum": ["csv", "jsonl"], "default": "csv"}), "csv (UTF-8 with BOM) or jsonl"), expand_param()],
                "responses": merge(json!({"200": {"description": "The passages", "content": {
                    "text/csv": {"schema": {"type": "string"}},
                    "application/x-ndjson": {"schema": {"type": "string"}}
                }}}), error_responses(&[("400", "Missing or malformed query, or bad format"), unauthorized, ("503", "Two exports are already running (busy)")]))
            }},
            "/api/openapi.json": {"get": {
                "summary": "This description",
                "responses": merge(json!({"200": {"description": "OpenAPI 3.1 document", "content": {"application/json": {"schema": {"type": "object"}}}}}), error_responses(&[unauthorized]))
            }}
        }
    })
}

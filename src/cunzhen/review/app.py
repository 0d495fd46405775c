"""The review web app (Flask). Server-rendered pages, forms that post decisions, no document text in script.

Hostile content: document text reaches the page only through Jinja's autoescaping, as element text or a
``title`` attribute; the page's own script (static/review.js) only toggles classes. A Content-Security-Policy
allows scripts and styles from this server only, no inline script, no frames, no outside requests, so even a
missed escape could not run or load anything. Requests must name a loopback host (no DNS rebinding) and every
post carries a per-process token (no cross-site form posts from other tabs).
"""

from __future__ import annotations

import secrets
import tempfile
from pathlib import Path
from urllib.parse import urlencode

from flask import Flask, abort, redirect, render_template, request, send_file, url_for

from cunzhen.report.records import build_panes, edits_of, meta_of, removed_of
from cunzhen.review.decisions import DecisionStore, collect, effective_decisions, export
from cunzhen.review.index import DocFilter, ReviewIndex

PAGE_SIZE = 50
LOOPBACK_NAMES = {"127.0.0.1", "localhost", "::1", "[::1]"}
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'none'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def create_app(index: ReviewIndex, store: DecisionStore, allowed_hosts: set[str] | None = None) -> Flask:
    """The app over one loaded file. ``allowed_hosts`` (host names) defaults to the loopback names."""
    app = Flask(__name__)
    app.config["INDEX"] = index
    app.config["STORE"] = store
    token = secrets.token_urlsafe(24)
    hosts = allowed_hosts or LOOPBACK_NAMES

    @app.before_request
    def check_request():
        if _host_name(request.host) not in hosts:
            abort(403, "unexpected Host header")
        if request.method == "POST" and request.form.get("token") != token:
            abort(403, "missing or stale form token: reload the page")

    @app.after_request
    def security_headers(response):
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        if request.endpoint != "static":  # pages change with every decision; the CSS and script do not
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.context_processor
    def common():
        return {"token": token, "source": Path(index.path).name, "total": len(index)}

    @app.get("/")
    def documents():
        query = _filter_from_args(request.args)
        matches = index.filter(query)
        page = max(request.args.get("page", 1, type=int), 1)
        rows = [index.summaries[i] for i in matches[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]]
        args = {k: v for k, v in request.args.items() if k != "page" and v}
        return render_template(
            "list.html",
            query=query,
            rows=rows,
            matched=len(matches),
            page=page,
            pages=max((len(matches) + PAGE_SIZE - 1) // PAGE_SIZE, 1),
            page_url=lambda n: "/?" + urlencode({**args, "page": n}),
            list_query=urlencode(args),
            verdicts=index.verdict_counts.most_common(),
            reasons=index.reason_counts.most_common(50),
            sites=index.site_counts.most_common(200),
        )

    @app.get("/doc/<int:doc>")
    def document(doc: int):
        if not 0 <= doc < len(index):
            abort(404)
        record = index.records[doc]
        edits = edits_of(record)
        own = {k: row for (_, k), row in store.edit_decisions(doc).items()}
        pair_counts = {pair: len(index.pair_edits.get(pair, ())) for pair in {(e["before"], e["after"]) for e in edits}}
        decisions = effective_decisions(edits, own, store.pair_decisions())
        selected = request.args.get("edit", type=int)
        if selected is None or not 0 <= selected < len(edits):  # else the first edit still pending
            selected = next((k for k, d in enumerate(decisions) if d is None), 0)
        return render_template(
            "doc.html",
            doc=doc,
            summary=index.summaries[doc],
            record=record,
            meta=meta_of(record),
            panes=build_panes(record),
            edits=edits,
            removed=removed_of(record),
            decisions=decisions,
            pair_counts=pair_counts,
            selected=selected,
            list_query=request.args.get("list", ""),
        )

    @app.post("/doc/<int:doc>/decide")
    def decide(doc: int):
        """The action bar: a decision on the selected edit, or (``all``) on every edit of its substitution."""
        if not 0 <= doc < len(index):
            abort(404)
        edits = edits_of(index.records[doc])
        k = request.form.get("edit", type=int)
        if k is None or not 0 <= k < len(edits):
            abort(400, "no edit selected")
        if "all" in request.form:
            store.decide_pair(edits[k]["before"], edits[k]["after"], _decision(request.form.get("all")))
            following = k
        else:
            store.decide_edit(doc, k, edits[k], _decision(request.form.get("decision")))
            following = min(k + 1, len(edits) - 1)  # reviewing flows on to the next edit
        return redirect(url_for("document", doc=doc, edit=following) + f"#e{k}", 303)

    @app.post("/pair")
    def decide_pair():
        spun, original = request.form.get("spun", ""), request.form.get("original", "")
        if not spun or not original:
            abort(400, "spun and original are required")
        store.decide_pair(spun, original, _decision(request.form.get("decision")))
        return redirect(_safe_next(request.form.get("next")) or url_for("substitutions"), 303)

    @app.get("/substitutions")
    def substitutions():
        summary = collect(index, store)
        pair_decisions = store.pair_decisions()
        accepted = {pair: len(occ) for pair, occ in summary.accepted.items()}
        rows = sorted(index.pair_edits.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        return render_template(
            "substitutions.html",
            rows=[
                {
                    "spun": spun,
                    "original": original,
                    "edits": len(occ),
                    "docs": len({d for d, _ in occ}),
                    "accepted": accepted.get((spun, original), 0),
                    "decision": pair_decisions.get((spun, original)),
                    "rejected": (spun, original) in summary.rejected,
                }
                for (spun, original), occ in rows
            ],
        )

    @app.get("/export")
    def export_page():
        return render_template("export.html", summary=collect(index, store), written=request.args.get("written"))

    @app.post("/export")
    def export_beside_input():
        accepted, rejected = export_paths(index.path)
        export(index, store, accepted, rejected)
        return redirect(url_for("export_page", written="1"), 303)

    @app.get("/export/accepted.tsv")
    def download_accepted():
        return _download(lambda path: export(index, store, path, None), "accepted-substitutions.tsv")

    @app.get("/export/rejected.tsv")
    def download_rejected():
        return _download(lambda path: export(index, store, None, path), "rejected-substitutions.tsv")

    return app


def export_paths(source: str) -> tuple[str, str]:
    """Where the export button writes: beside the reviewed file."""
    return f"{source}.accepted.tsv", f"{source}.rejected.tsv"


def _download(write, name: str):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        write(str(path))
        data = path.read_bytes()
    from io import BytesIO

    return send_file(
        BytesIO(data), mimetype="text/tab-separated-values; charset=utf-8", as_attachment=True, download_name=name
    )


def _filter_from_args(args) -> DocFilter:
    spun, original = args.get("spun", ""), args.get("original", "")
    return DocFilter(
        verdict=args.get("verdict", ""),
        reason=args.get("reason", ""),
        site=args.get("site", "").strip(),
        text=args.get("q", ""),
        min_score=args.get("min_score", None, type=_float_arg),
        max_score=args.get("max_score", None, type=_float_arg),
        pair=(spun, original) if spun and original else None,
    )


def _float_arg(value: str) -> float | None:
    if not value.strip():
        raise ValueError("empty")  # Flask then uses the default (no bound)
    return float(value)


def _decision(value: str | None) -> str | None:
    if value in ("accept", "reject"):
        return value
    if value == "clear":
        return None
    abort(400, "decision must be accept, reject or clear")


def _safe_next(value: str | None) -> str | None:
    """A redirect target on this server only."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return None


def _host_name(host: str) -> str:
    if host.startswith("["):
        return host.split("]")[0] + "]"
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host

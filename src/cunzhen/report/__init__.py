"""Read the output of `cunzhen restore` / `cunzhen clean` back: per-document views, run aggregates and the
self-contained HTML report (`cunzhen report`). The review app (`cunzhen.review`) builds on the same views."""

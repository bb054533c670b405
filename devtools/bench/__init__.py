"""Scale benchmarks: a COPY-based data generator, the runners that time pages,
nightly jobs and PDFs against it, and the writer of docs/PERFORMANCE.md. Driven by
`manage.py bench`; `make bench` runs the whole thing against a local PostgreSQL."""

"""The benchmark suite (issue 9): a large municipality generated from a seed and a scale
factor (`manage.py bench_data`), and `make bench`, which measures the pages under gunicorn
against the floors of the same project (`bench/views.py`, mounted only when BENCH=1)."""

"""Real servers and processes on loopback that the tests and the benchmarks both run.

Loopback page servers and a connection sentinel, a redis-server of our own, a fake Claude that speaks the
Messages API over HTTP, scripted analyses that stand in for Chromium, the service's own commands as
subprocesses, and the load harness. Nothing here is shipped: pytest fixtures over these live in
tests/support/, the benchmarks in bench/ import them directly.
"""

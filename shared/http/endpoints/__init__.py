"""The endpoints, grouped as the functions serve them: submit, result, tasks (analyze), operations."""

"""The pydantic models of every contract: facts (capture -> rules), the report, and the HTTP API."""

"""The report: assembly of the JSON contract, and its HTML and PDF renderings."""

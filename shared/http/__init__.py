"""The HTTP side: one set of endpoints served three ways (a function each, or all in the gateway).

Endpoints are plain `async (ApiContext, Request) -> Response` functions described by `Operation`s; the
same operations build the Starlette routes, the functions' dispatcher and the OpenAPI document, so
what is served and what is documented cannot drift apart.
"""

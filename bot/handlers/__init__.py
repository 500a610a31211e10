"""aiogram routers, one module per feature (the coordinator tools a package, one module per tool).

aiogram attaches a Router to one dispatcher only, and tests and benchmarks build several dispatchers
in one process: so every module has a factory, `build_router()`, that returns a new Router with its
handlers registered, and bot/app.py includes them in order.
"""

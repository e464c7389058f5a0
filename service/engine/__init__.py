"""The screening engine: pure Python, no web framework, no database.

Use it as a library::

    ruleset = load_ruleset(Path("rules"))
    engine = Engine(ruleset)
    result = engine.screen(ScreeningRequest(transaction_type="material_export",
                                            description="Gallium arsenide wafers"))
"""

"""Swagger UI at /docs loads its assets from the service itself, never from a CDN."""


def test_docs_page_uses_local_assets_that_are_served(client):
    page = client.get("/docs")
    assert page.status_code == 200
    assert "cdn." not in page.text
    assert "/docs-assets/swagger-ui-bundle.js" in page.text
    script = client.get("/docs-assets/swagger-ui-bundle.js")
    assert script.status_code == 200 and len(script.content) > 100_000

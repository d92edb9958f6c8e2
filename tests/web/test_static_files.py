"""Static files go out gzip-compressed to browsers that accept it; pages never do (BREACH)."""

from __future__ import annotations

import gzip
from pathlib import Path

from portal import ROOT

CSS = Path(ROOT) / "static" / "portal.css"


def test_stylesheet_is_sent_compressed_to_a_browser_that_accepts_gzip(client):
    response = client.get("/static/portal.css", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert gzip.decompress(response.get_data()) == CSS.read_bytes()
    assert int(response.headers["Content-Length"]) < CSS.stat().st_size / 2


def test_stylesheet_is_sent_as_is_without_gzip(client):
    response = client.get("/static/portal.css", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in response.headers
    assert response.get_data() == CSS.read_bytes()
    assert "Accept-Encoding" in response.headers["Vary"]


def test_compressed_stylesheet_has_a_tag_of_its_own_and_answers_304_to_it(client):
    accept = {"Accept-Encoding": "gzip"}
    compressed = client.get("/static/portal.css", headers=accept)
    plain = client.get("/static/portal.css")
    assert compressed.headers["ETag"] != plain.headers["ETag"]
    again = client.get("/static/portal.css", headers={**accept, "If-None-Match": compressed.headers["ETag"]})
    assert again.status_code == 304
    assert "Accept-Encoding" in again.headers["Vary"]


def test_tiny_files_and_images_are_not_compressed(client):
    for path in ("/static/icons/favicon.svg", "/static/icons/icon-512.png"):
        response = client.get(path, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200
        assert "Content-Encoding" not in response.headers, path


def test_pages_are_never_compressed(client):
    response = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers

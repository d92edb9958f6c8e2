"""For phones: a manifest with icons so the portal sits on a home screen, no script, no storage, small pages."""

from __future__ import annotations

import struct

import pytest


def test_manifest_names_the_start_page_and_icons_that_exist(client):
    response = client.get("/static/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json(force=True)
    assert manifest["start_url"] == "/start" and manifest["display"] == "standalone"
    for icon in manifest["icons"]:
        found = client.get(icon["src"])
        assert found.status_code == 200, icon["src"]
        if icon["type"] == "image/png":
            width, height = struct.unpack(">II", found.data[16:24])
            assert f"{width}x{height}" == icon["sizes"]


def test_every_page_links_the_manifest_and_the_favicon(client):
    page = client.get("/").get_data(as_text=True)
    assert 'rel="manifest"' in page and 'rel="icon"' in page and 'rel="apple-touch-icon"' in page


@pytest.mark.parametrize("path", ["/start", "/journal", "/appointments", "/care-plans", "/access-log"])
def test_pages_need_no_script_and_stay_small(client, login, anna, path):
    login(anna)
    body = client.get(path).data
    assert b"<script" not in body and b"serviceWorker" not in body and b"localStorage" not in body
    assert len(body) < 40_000

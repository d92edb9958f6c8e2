"""Appointment pages: upcoming and past, detail with place or video link, calendar files, ask to cancel."""

from __future__ import annotations

from sqlalchemy import select

from portal.readmodel.models import Appointment, CancelRequest
from tests.web.conftest import ids_in, post


def _id(client, title: str) -> str:
    html = client.get("/appointments").get_data(as_text=True)
    return next(i for i in ids_in(html, "appointments") if f'href="/appointments/{i}">{title}<' in html)


def test_upcoming_and_past_from_region_and_municipality(client, login, anna):
    login(anna)
    page = client.get("/appointments").get_data(as_text=True)
    upcoming, past = page.split('id="past-heading"')
    assert "Provtagning" in upcoming and "Videobesök" in upcoming and "Hembesök" in past
    assert 'origin-municipality">Kommun</span> Hemtjänst Norr' in past


def test_detail_shows_place_preparation_and_video_link(client, login, anna):
    login(anna)
    page = client.get(f"/appointments/{_id(client, 'Provtagning')}").get_data(as_text=True)
    assert "Centralsjukhuset, ingång 3" in page and "Kom fastande." in page
    video = client.get(f"/appointments/{_id(client, 'Videobesök')}").get_data(as_text=True)
    assert 'href="https://video.example/room/1"' in video


def test_ics_for_one_and_for_all_upcoming(client, login, anna):
    login(anna)
    one = client.get(f"/appointments/{_id(client, 'Provtagning')}/calendar.ics")
    assert one.mimetype == "text/calendar" and "attachment" in one.headers["Content-Disposition"]
    assert one.get_data(as_text=True).count("BEGIN:VEVENT") == 1
    every = client.get("/appointments/calendar.ics").get_data(as_text=True)
    assert every.count("BEGIN:VEVENT") == 2 and "SUMMARY:Hembesök" not in every


def test_ask_to_cancel_stores_an_outgoing_message_and_shows_pending(client, login, anna, make):
    login(anna)
    appointment_id = _id(client, "Provtagning")
    page = f"/appointments/{appointment_id}"
    response = post(client, f"{page}/cancel-request", {"reason": "Sjuk"}, page=page)
    assert response.status_code == 302 and response.location.endswith(page)
    shown = client.get(page).get_data(as_text=True)
    assert "Din begäran om avbokning är skickad." in shown
    assert "Avbokning begärd, väntar på svar" in shown and "Be om avbokning" not in shown
    request = make.session.scalars(select(CancelRequest)).one()
    assert request.reason == "Sjuk" and request.payload["resourceType"] == "Task"
    appointment = make.session.scalars(select(Appointment).where(Appointment.public_id == appointment_id)).one()
    assert appointment.status == "booked"  # the read model is not edited


def test_cancel_without_csrf_token_is_refused(client, login, anna, make):
    login(anna)
    response = client.post(f"/appointments/{_id(client, 'Provtagning')}/cancel-request", data={"reason": "x"})
    assert response.status_code == 400
    assert make.session.scalars(select(CancelRequest)).all() == []


def test_past_appointment_offers_no_cancel(client, login, anna):
    login(anna)
    page = f"/appointments/{_id(client, 'Hembesök')}"
    assert "Be om avbokning" not in client.get(page).get_data(as_text=True)
    assert post(client, f"{page}/cancel-request", page=page).status_code == 403

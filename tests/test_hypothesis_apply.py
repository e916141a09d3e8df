"""Hostile input on the public apply form: a form with errors or an application, never a 500,
and a refused form writes nothing.
"""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core.cache import cache
from hypothesis import given
from hypothesis import strategies as st

from programs.models import Enrollment, Student
from programs.ratelimit import RateCounter

from .apply_support import application, apply_url
from .test_hypothesis_admin import EXAMPLES, dates, hostile_text, numbers

pytestmark = pytest.mark.django_db


@EXAMPLES
@given(data=st.data())
def test_apply_form_survives_hostile_input(client, september_intake, data):
    cache.clear()
    RateCounter.objects.all().delete()  # the limits would otherwise turn later examples to 429s
    post = application(
        first_name=data.draw(st.one_of(st.just("Claudine"), hostile_text)),
        last_name=data.draw(st.one_of(st.just("Mukamana"), hostile_text)),
        email=data.draw(st.one_of(st.emails(), hostile_text)),
        phone=data.draw(st.one_of(st.just("+250788123456"), hostile_text, numbers)),
        date_of_birth=data.draw(st.one_of(st.just("2001-09-30"), dates)),
        country=data.draw(st.one_of(st.sampled_from(["RW", "FR", ""]), hostile_text)),
        funding_source=data.draw(st.one_of(st.just(""), numbers)),
        consent=data.draw(st.sampled_from(["on", "", None])),
    )
    students, enrollments = Student.objects.count(), Enrollment.objects.count()
    response = client.post(apply_url(september_intake), post)
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.FOUND)
    if response.status_code == HTTPStatus.OK:
        assert response.context["form"].errors
        assert (Student.objects.count(), Enrollment.objects.count()) == (students, enrollments)
    else:
        assert Enrollment.objects.count() == enrollments + 1

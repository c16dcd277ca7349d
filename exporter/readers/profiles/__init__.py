"""Per-platform page profiles. The first whose `matches` recognises the page's markup reads it; the generic
profile (any <article>/<main> page) is the fallback. Profiles recognise platforms by markup, not by host, so
a mirror or saved copy reads the same as the live page."""

from __future__ import annotations

from exporter.readers.profiles.base import Page
from exporter.readers.profiles.dnn import DnnArticleProfile, DnnPhotoProfile, DnnPrintProfile
from exporter.readers.profiles.drupal import DrupalProfile
from exporter.readers.profiles.generic import GenericProfile
from exporter.readers.profiles.nasa import NasaProfile

PROFILES = (DnnPrintProfile, DnnArticleProfile, DnnPhotoProfile, NasaProfile, DrupalProfile, GenericProfile)


def choose_profile(page: Page) -> GenericProfile:
    for profile in PROFILES:
        if profile.matches(page):
            return profile(page)
    return GenericProfile(page)

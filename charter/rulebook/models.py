"""Versions of the rulebook: each adopted by a decision, each with the date it takes effect."""

from __future__ import annotations

from typing import ClassVar

from django.db import models


class RulebookVersion(models.Model):
    recorded_by: ClassVar[tuple[str, ...]] = ("install_rulebook", "amend_rulebook")

    text = models.TextField()
    sha256 = models.CharField(max_length=64, unique=True)
    organization = models.CharField(max_length=200)
    version = models.CharField(max_length=40)
    effective_from = models.DateField()
    installed_at = models.DateTimeField()
    entry_index = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["effective_from", "id"]

    def __str__(self) -> str:
        return f"{self.organization} {self.version} (from {self.effective_from})"

"""Hostcast's broadcast: when and where segments air."""

"""Avatars: a presenter drawn just in time, whose mouth follows the speech."""

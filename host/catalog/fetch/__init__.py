"""Feeds and product photos fetched from their URLs, with limits, into an on-disk cache.

Nothing here runs on the air path: photos are fetched on threads of their own, ahead of
the cards that show them, and a feed is fetched before a show opens or between lines.
"""

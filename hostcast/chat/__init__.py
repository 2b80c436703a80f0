"""Viewers' comments from the platforms the stream is pushed to.

One platform per module, each a `CommentConnector` (host/chat/connector.py) with a
`source` name and a `ConnectorState`: `youtube` (Live chat over the Data API), `irc` (any
IRC server; Twitch chat is one). `specs` reads `--chat` and `[[channel.chat]]`; `gate`
limits how often each platform's viewers reach the host.
"""

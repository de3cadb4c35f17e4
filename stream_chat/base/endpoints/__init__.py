"""Every REST endpoint of the client, described once and grouped by API area.

Each mixin method builds a :class:`~stream_chat.base.request.Request` and hands it to
``self._run``; the concrete clients decide whether running it is sync or async.
"""

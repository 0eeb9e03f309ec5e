"""Messages that reach people (issue 14): what is sent, to whom, over which channel.

- `settings`: the deployment's channels (HOTLINE_CHANNELS, SMS gateway, SMTP, retries);
- `context`: the profile and channel settings a session carries (wiring sets them);
- `rules`: the hook `on_event` (called by hotline.history.record_event) that turns an
  event into outbox rows by the profile's [messages] rules, with `recipients` and
  `templates`;
- `outbox`: writing, claiming, settling rows; `channels`: the adapters (sms, email,
  inapp, log); `dispatch`: one dispatcher round (claim, deliver, retry, alert);
- `contacts`: units' and offices' contact people; `notifications`: the in-app inbox.

Nothing here imports hotline.history or a module that does (hotline.tickets, ...): the
history imports `rules`, so that would be a cycle. Requesters' replies and the public
progress lookup, which do record events, live beside it (hotline.sms_replies,
hotline.lookup).
"""

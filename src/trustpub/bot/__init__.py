"""`trustpub bot`: one pull request per repository across an organisation, idempotently.

discovery (which repositories) -> upsert (one repository: read, rewrite, open or update its pull
request) -> run (threads for reads, serialised paced writes, rate limits, state) -> display.
"""

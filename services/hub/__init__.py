"""The chain's hub: tills push their outboxes here and pull what the others did.

app    the HTTP service (FastAPI)     auth   till enrolment and bearer tokens
apply  applying pushed operations     pull   the change feed tills read
holds  online redemption holds, overdrafts
The hub imports nothing from ui/.
"""

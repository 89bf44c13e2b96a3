from django.dispatch import Signal

# Sent once an audit's final grade is set, after the transaction commits, with `audit_id`.
audit_finalised = Signal()

"""What accounts tells the apps above it (issue 36: an app reaches up only by a signal it sends)."""

from django.dispatch import Signal

# Sent by staff sync inside its transaction when a leaver is deactivated, with `person`. A receiver ends what
# the person held in its app and returns a list of short descriptions of what it ended (the API app: the
# revoked tokens' prefixes), which the sync's summary lists. A receiver's error rolls the whole sync back.
person_left = Signal()

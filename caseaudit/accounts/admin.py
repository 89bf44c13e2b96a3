from django.contrib import admin
from django.contrib.auth.models import Group

# Who may do what comes from people's roles (organisation.RoleAssignment), never from Django's groups:
# an administrator offered "Groups" would set up permissions that nothing reads (issue 44, point 7).
admin.site.unregister(Group)

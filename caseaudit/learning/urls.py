from django.urls import path

from .views import calibration, entries, recommendations

app_name = "learning"

urlpatterns = [
    path("", entries.index, name="index"),
    path("new", entries.new, name="new"),
    path("<int:pk>/", entries.show, name="show"),
    path("<int:pk>/document", entries.attachment, name="attachment"),
    path("calibration/", calibration.index, name="calibration_index"),
    path("calibration/new", calibration.new, name="calibration_new"),
    path("calibration/<int:pk>/", calibration.show, name="calibration_show"),
    path("calibration/<int:pk>/close", calibration.close, name="calibration_close"),
    path("recommendations/", recommendations.index, name="recommendations"),
    path("recommendations/sources/new", recommendations.source_new, name="source_new"),
    path("recommendations/sources/<int:pk>/", recommendations.source_show, name="source_show"),
    path("recommendations/sources/<int:pk>/new", recommendations.recommendation_new, name="recommendation_new"),
    path("recommendations/<int:pk>/", recommendations.recommendation_show, name="recommendation_show"),
    path("recommendations/<int:pk>/follow-up", recommendations.follow_up_new, name="follow_up_new"),
]

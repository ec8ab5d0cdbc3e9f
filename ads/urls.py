from django.urls import path

from ads import views

app_name = "ads"

urlpatterns = [
    path("i/", views.impression, name="impression"),
    path("c/<str:token>/", views.click, name="click"),
    path("f/<int:creative_id>/", views.frame, name="frame"),
]

from django.urls import path

from trending import views

urlpatterns = [
    path("api/views/", views.count_view, name="count_view"),
    path("fragments/trending/<str:scope>/", views.trending_fragment, name="trending_fragment"),
]

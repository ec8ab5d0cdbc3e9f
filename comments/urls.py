from django.urls import path

from comments import views

urlpatterns = [
    path("api/comments/<int:article_id>/", views.post_comment, name="comment_post"),
    path("api/comments/<int:article_id>/token/", views.form_token, name="comment_token"),
    path("api/comments/report/<int:comment_id>/", views.report_comment, name="comment_report"),
    path("api/comments/counts/", views.comment_counts, name="comment_counts"),
]

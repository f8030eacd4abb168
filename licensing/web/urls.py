from django.contrib.auth import views as auth_views
from django.urls import include, path

from licensing.accounts.views import otp_step

from . import determination, library, organisations, views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="web/login.html", redirect_authenticated_user=True), name="login"),
    path("login/otp/", otp_step, name="otp"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("determination/", determination.determination_page, name="determination"),
    path("register/", organisations.register, name="register"),
    path("invitations/<str:token>/", organisations.invitation, name="invitation"),
    path("organisation/", organisations.organisation, name="organisation"),
    path("organisation/invite/", organisations.invite, name="organisation-invite"),
    path("organisation/people/<int:user_id>/", organisations.member, name="organisation-member"),
    path("organisation/agents/", organisations.agency_grant, name="organisation-agent-grant"),
    path("organisation/agents/<int:agency_id>/revoke/", organisations.agency_revoke, name="organisation-agent-revoke"),
    path("organisation/switch/", organisations.switch, name="organisation-switch"),
    # The organisation's address book and goods library (licensing.web.library), picked from in the guided application.
    path("organisation/address-book/", library.address_book, name="organisation-address-book"),
    path("organisation/address-book/add/", library.address_entry, name="organisation-address-book-add"),
    path("organisation/address-book/<int:entry_id>/", library.address_entry, name="organisation-address-book-entry"),
    path("organisation/address-book/<int:entry_id>/remove/", library.address_entry_remove, name="organisation-address-book-remove"),
    path("organisation/goods-library/", library.goods_library, name="organisation-goods-library"),
    path("organisation/goods-library/add/", library.library_item, name="organisation-goods-library-add"),
    path("organisation/goods-library/<int:item_id>/", library.library_item, name="organisation-goods-library-item"),
    path("organisation/goods-library/<int:item_id>/remove/", library.library_item_remove, name="organisation-goods-library-remove"),
    path("applications/", include("licensing.web.exporter_urls")),
    path("office/", include("licensing.web.office_urls")),
    path("screening/", include("licensing.web.screening_urls")),
    path("reports/", include("licensing.web.reporting_urls")),
    path("licences/", include("licensing.web.licences_urls")),
    path("customs/", include("licensing.web.customs_urls")),
    path("advice/", include("licensing.web.advice_urls")),
]

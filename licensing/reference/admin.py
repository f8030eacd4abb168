from django.contrib import admin

from . import models


class MembershipInline(admin.TabularInline):
    model = models.CountryGroupMembership
    extra = 0
    autocomplete_fields = ["country"]


@admin.register(models.ReportRegion)
class ReportRegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_nl", "position"]


@admin.register(models.Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_nl", "report_region"]
    list_filter = ["report_region"]
    search_fields = ["code", "name_en", "name_nl"]


@admin.register(models.CountryGroup)
class CountryGroupAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "confidence"]
    inlines = [MembershipInline]


@admin.register(models.ControlEntry)
class ControlEntryAdmin(admin.ModelAdmin):
    list_display = ["code", "regime", "title_en", "annex_iv"]
    list_filter = ["regime", "annex_iv"]
    search_fields = ["code", "title_en", "title_nl"]


class SubPointInline(admin.TabularInline):
    model = models.CriterionSubPoint
    extra = 0


@admin.register(models.Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["number", "title_en", "kind"]
    inlines = [SubPointInline]


@admin.register(models.GeneralLicence)
class GeneralLicenceAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "name_en", "destination_rule", "active"]
    list_filter = ["kind", "active"]
    filter_horizontal = ["destinations", "excluded_destinations", "destination_groups", "return_destination_groups", "origin_groups"]


@admin.register(models.SanctionsBan)
class SanctionsBanAdmin(admin.ModelAdmin):
    list_display = ["code", "regulation", "article", "goods_kinds", "in_force_from", "in_force_to", "active", "confidence"]
    list_filter = ["active"]
    search_fields = ["code", "name_en", "regulation", "article"]
    filter_horizontal = ["destinations"]


@admin.register(models.StandardText)
class StandardTextAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "title_en", "title_nl", "obligation", "due_days", "active"]
    list_filter = ["kind", "obligation", "active"]
    search_fields = ["code", "title_en", "title_nl", "text_en", "text_nl"]

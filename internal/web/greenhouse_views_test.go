package web

func init() {
	templateViews["integrations"] = IntegrationsPage{}
	templateViews["staff_greenhouse"] = StaffGreenhousePage{}
	templateViews["staff_greenhouse_org"] = StaffGreenhouseOrgPage{}
	templateViews["harvest_import"] = HarvestImportPage{}
}

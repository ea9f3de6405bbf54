-- wrk script: GET a survey's report, by month, per plan. Needs VOUCH_KEY and VOUCH_SURVEY.
local key = os.getenv("VOUCH_KEY")
local survey = os.getenv("VOUCH_SURVEY")
request = function()
  return wrk.format("GET", "/api/v1/surveys/" .. survey .. "/report?interval=month&by=plan", 
    { ["Authorization"] = "Bearer " .. key })
end

-- wrk script: POST /api/v1/responses with varied scores, contacts and plans.
-- Needs VOUCH_KEY and VOUCH_SURVEY in the environment.
local key = os.getenv("VOUCH_KEY")
local survey = os.getenv("VOUCH_SURVEY")
local plans = { "free", "starter", "pro", "business", "enterprise" }
local counter = 0
local thread_id = 0

setup = function(thread)
  thread_id = thread_id + 1
  thread:set("prefix", "t" .. thread_id)
end

request = function()
  counter = counter + 1
  local body = string.format(
    '{"survey_id":%s,"score":%d,"comment":"load test %d","contact":{"external_id":"%s-%d","attributes":{"plan":"%s"}}}',
    survey, counter % 11, counter, prefix, counter % 50000, plans[(counter % 5) + 1])
  return wrk.format("POST", "/api/v1/responses",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. key }, body)
end

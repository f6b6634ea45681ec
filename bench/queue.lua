-- wrk script: the staff queue, one page of 25 sorted by due time, as a
-- signed-in officer. COOKIE and QUERY come from the environment.
local cookie = os.getenv("MW_COOKIE")
local query = os.getenv("MW_QUERY") or "/api/v1/queue?department=road&limit=25"
request = function()
  return wrk.format("GET", query, { ["Cookie"] = "mw_session=" .. cookie })
end

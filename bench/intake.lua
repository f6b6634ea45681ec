-- wrk script: durable complaint intake, POST /api/v1/complaints.
-- Each request carries a different text so nothing can be cached.
-- With MW_ROUTE set, no category is sent: the classifier routes each one.
local n = 0
local route = os.getenv("MW_ROUTE")
local categories = { "road_damage", "illegal_parking", "streetlight", "noise", "illegal_dumping" }
request = function()
  n = n + 1
  local category = route and "" or string.format('"category":"%s",', categories[(n % #categories) + 1])
  local body = string.format(
    '{"text":"벤치마크 민원 %d번: 횡단보도 앞 보도블록이 깨져 있어 보행자가 넘어질 위험이 있습니다. 빠른 보수 부탁드립니다.",' ..
    '%s"channel":"app","lat":37.51%d,"lon":127.04%d,' ..
    '"contact":{"name":"김민원","phone":"010-0000-%04d"},"consent":{"privacy":true,"public_map":true}}',
    n, category, n % 10, n % 10, n % 10000)
  return wrk.format("POST", "/api/v1/complaints", { ["Content-Type"] = "application/json" }, body)
end

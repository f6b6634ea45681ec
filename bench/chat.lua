-- wrk script: the counselling chatbot, POST /api/v1/chat. Each request
-- starts a new conversation with one of a few kinds of message (an FAQ
-- question, a report, one for a person), numbered so nothing repeats.
local n = 0
local texts = {
  "안 쓰는 소파를 버리려면 어떻게 신고해요? (%d)",
  "우리 집 앞 가로등이 %d일째 꺼져 있어요",
  "주민등록등본은 어디서 뗄 수 있나요 %d",
  "동사무소 직원이 너무 불친절했어요. 정식으로 항의합니다 %d",
  "골목에 음식물 쓰레기가 %d봉지나 버려져 있어요",
}
request = function()
  n = n + 1
  local body = string.format('{"text":"%s"}', string.format(texts[(n % #texts) + 1], n))
  return wrk.format("POST", "/api/v1/chat", { ["Content-Type"] = "application/json" }, body)
end

// Telegram opens the Mini App with its signed initData in the URL fragment (tgWebAppData); post it back
// so the server can check it. Nothing else runs here, and nothing is loaded from elsewhere.
(function () {
  var data = new URLSearchParams(location.hash.slice(1)).get("tgWebAppData");
  if (!data && window.Telegram && window.Telegram.WebApp) { data = window.Telegram.WebApp.initData; }
  if (!data) { return; }
  var form = document.getElementById("signin");
  form.elements["init_data"].value = data;
  form.submit();
})();

#!/usr/bin/env bash
# Browser tests need Debian's chromium and CJK fonts. Install them when we can (root on Debian);
# otherwise stop with a clear message. Never skip silently.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "安装浏览器测试所需的系统包：${missing[*]}"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
  exit 0
fi
echo "浏览器测试需要 Debian 软件包：${missing[*]}。请以 root 运行：apt-get install -y ${missing[*]}" >&2
exit 1

#!/usr/bin/env bash
# Regenerates the lesson media of the shipped courses from the texts below:
#   <module>-audio.m4a  a mono narration (AAC, about 24–32 kbit/s) introducing the module
#   <module>-video.mp4  480×270 H.264 (baseline) slides with the module's key points, narrated (AAC)
# Needs espeak-ng (Mandarin voice "cmn"), ffmpeg with libx264 and ffprobe, and a CJK font:
#   apt-get install -y espeak-ng ffmpeg fonts-wqy-microhei
# Usage: src/server/content/media/generate.sh   (writes into this folder, prints each file's duration)
# After regenerating, set durationSeconds of the audio/video lessons in ../courses/*.json to the printed
# whole seconds (node src/server/content/check.mjs compares them).
set -euo pipefail
cd "$(dirname "$0")"
FONT=${FONT:-/usr/share/fonts/truetype/wqy/wqy-microhei.ttc}
RATE=${RATE:-260}   # espeak-ng speed; about 4 Chinese characters a second
W=480
H=270
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for tool in espeak-ng ffmpeg ffprobe; do command -v $tool >/dev/null || { echo "missing: $tool" >&2; exit 1; }; done
[ -f "$FONT" ] || { echo "missing font: $FONT" >&2; exit 1; }

duration() { ffprobe -v error -show_entries format=duration -of csv=p=0 "$1"; }

# say TEXT OUT.wav: Mandarin speech, 22.05 kHz mono
say() {
  espeak-ng -v cmn -s "$RATE" -w "$tmp/say.wav" "$1"
  ffmpeg -y -loglevel error -i "$tmp/say.wav" -ac 1 -ar 22050 "$2"
}

# audio NAME TEXT
audio() {
  say "$2" "$tmp/$1.wav"
  ffmpeg -y -loglevel error -i "$tmp/$1.wav" -af "adelay=300,apad=pad_dur=0.7" -ac 1 -ar 22050 -c:a aac -b:a 24k -movflags +faststart "$1-audio.m4a"
  printf '%s-audio.m4a\t%s s\t%s bytes\n' "$1" "$(duration "$1-audio.m4a")" "$(stat -c %s "$1-audio.m4a")"
}

# video NAME COLOUR LABEL  DISPLAY1 SPOKEN1  DISPLAY2 SPOKEN2 ...
# Each slide lasts as long as its narration plus a short pause; the first slide is the title.
video() {
  local name=$1 colour=$2 label=$3
  shift 3
  local i=0 start=0 filters="" list="$tmp/$name-list.txt"
  : >"$list"
  printf '%s' "$label · 心桥家庭教育课程" >"$tmp/$name-footer.txt"
  while [ $# -gt 0 ]; do
    printf '%s' "$1" >"$tmp/$name-$i.txt"
    say "$2" "$tmp/$name-$i-speech.wav"
    local len
    len=$(awk -v d="$(duration "$tmp/$name-$i-speech.wav")" 'BEGIN { printf "%d", d + 1.99 }')
    ffmpeg -y -loglevel error -i "$tmp/$name-$i-speech.wav" -af "adelay=300,apad=whole_dur=$len" -ac 1 -ar 22050 "$tmp/$name-$i-slide.wav"
    echo "file '$tmp/$name-$i-slide.wav'" >>"$list"
    local end=$((start + len)) size=22
    [ $i -eq 0 ] && size=30
    filters="$filters,drawtext=fontfile=$FONT:textfile=$tmp/$name-$i.txt:fontsize=$size:fontcolor=white:line_spacing=14:x=(w-text_w)/2:y=(h-text_h)/2-8:enable='between(t,$start,$end)'"
    start=$end
    i=$((i + 1))
    shift 2
  done
  ffmpeg -y -loglevel error -f concat -safe 0 -i "$list" -c:a pcm_s16le "$tmp/$name-narration.wav"
  ffmpeg -y -loglevel error \
    -f lavfi -i "color=c=$colour:s=${W}x${H}:r=10:d=$start" -i "$tmp/$name-narration.wav" \
    -vf "drawbox=x=24:y=28:w=$((W - 48)):h=$((H - 80)):color=white@0.12:t=fill,drawbox=x=24:y=$((H - 44)):w=$((W - 48)):h=2:color=white@0.5:t=fill$filters,drawtext=fontfile=$FONT:textfile=$tmp/$name-footer.txt:fontsize=14:fontcolor=white@0.85:x=(w-text_w)/2:y=h-32" \
    -c:v libx264 -profile:v baseline -level 3.0 -pix_fmt yuv420p -preset veryslow -tune stillimage -crf 30 -g 100 \
    -c:a aac -b:a 32k -ac 1 -ar 22050 -shortest -movflags +faststart "$name-video.mp4"
  printf '%s-video.mp4\t%s s\t%s bytes\n' "$name" "$(duration "$name-video.mp4")" "$(stat -c %s "$name-video.mp4")"
}

# ── 心理健康教育 ──
audio mh-education "欢迎来到心桥家庭教育课程，心理健康教育单元。孩子的心理健康，从家庭开始。不同年龄的孩子，有不同的心理发展特点：学前期要安全感，小学要自信，青春期要尊重，成年前后要学会独立。在这个单元里，我们一起了解孩子每个阶段的心理需要，学习怎样和学校配合：参加家长学校，配合学校建立心理健康档案，共同守护孩子的成长。"
video mh-education "#3b6e8f" "心理健康教育" \
  $'心理健康教育\n家庭是第一所学校' "心理健康教育单元。家庭，是孩子心理健康的第一所学校。" \
  $'了解孩子\n不同年龄，不同的心理需要' "第一，了解孩子。不同年龄的孩子，有不同的心理发展特点和需要。" \
  $'营造氛围\n稳定、温暖、有规则的家' "第二，营造氛围。一个稳定、温暖、有规则的家，是孩子最好的保护。" \
  $'家校携手\n参加家长学校\n配合建立心理健康档案' "第三，家校携手。参加家长学校的活动，配合学校建立心理健康档案。"

# ── 心理援助 ──
audio mh-aid "这里是心理援助单元。当孩子遇到惊吓、挫折或者心理危机，家长是最先可以提供帮助的人。先稳住自己，认真倾听，不评判，不说教。记住几个求助渠道：班主任和学校心理老师，二十四小时心理援助热线一二三五六，以及精神卫生医疗机构。如果孩子有伤害自己的危险，请不要让他独处，立即拨打一一零或一二零。"
video mh-aid "#56679a" "心理援助" \
  $'心理援助\n孩子遇到困难时' "心理援助单元。孩子遇到困难时，家长可以怎样做？" \
  $'倾听\n不评判、不说教，让孩子说完' "第一，倾听。不评判，不说教，让孩子把话说完。" \
  $'求助\n学校心理老师\n24小时心理援助热线 12356' "第二，求助。联系学校心理老师，或者拨打二十四小时心理援助热线，一二三五六。" \
  $'确保安全\n不让孩子独处\n紧急危险请拨打 110 / 120' "第三，确保安全。有紧急危险时，不要让孩子独处，立即拨打一一零或一二零。"

# ── 心理保健 ──
audio mh-care "这里是心理保健单元。心理健康和身体健康一样，需要每天照顾。规律的作息和充足的睡眠，是情绪稳定的基础；每天运动一会儿，能释放压力；合理使用手机和屏幕，多一些面对面的交流。家长也要照顾好自己的情绪，因为孩子会从父母身上，学会怎样对待压力。"
video mh-care "#4f7d63" "心理保健" \
  $'心理保健\n每天照顾好心情' "心理保健单元。心理健康，需要每天用心照顾。" \
  $'睡好觉\n规律作息，保证睡眠' "第一，睡好觉。规律作息，保证充足的睡眠。" \
  $'动起来\n每天运动，少一点屏幕' "第二，动起来。每天运动一会儿，少一点屏幕时间。" \
  $'会放松\n深呼吸、倾诉\n家长以身作则' "第三，会放松。学会深呼吸和倾诉，家长以身作则，照顾好自己的情绪。"

# ── 心理异常认知 ──
audio abnormal-awareness "这里是心理异常认知单元。孩子的情绪起伏很常见，但如果睡眠、食欲、兴趣、交往或者学习出现明显变化，并且持续两周以上，就需要认真对待。家长不要自己给孩子下诊断，也不要自行用药。先平静地和孩子聊一聊，再联系班主任和学校心理老师，必要时到精神卫生医疗机构做专业评估。"
video abnormal-awareness "#7a6a52" "心理异常认知" \
  $'心理异常认知\n看见孩子发出的信号' "心理异常认知单元。学会看见孩子发出的信号。" \
  $'留意变化\n睡眠、食欲、兴趣、交往\n变化持续两周以上' "第一，留意变化。睡眠、食欲、兴趣和交往的变化，持续两周以上，要认真对待。" \
  $'温和开口\n说出观察，表达关心\n多听，少评判' "第二，温和开口。说出你观察到的变化，表达关心，多听，少评判。" \
  $'专业帮助\n联系学校心理老师\n不自行诊断，不自行用药' "第三，寻求专业帮助。联系学校心理老师，必要时到精神卫生医疗机构评估。不自行诊断，不自行用药。"

# ── 亲子沟通 ──
audio parent-child "这里是亲子沟通单元。好的沟通，从倾听开始。放下手机，看着孩子，让他把话说完。说出孩子的感受，比急着讲道理更有用。表达自己的时候，用我开头，说出看到的事实、自己的感受和希望。吵架之后，家长可以先道歉，修复关系。关系好了，孩子才愿意和你说心里话。"
video parent-child "#3f7f7f" "亲子沟通" \
  $'亲子沟通\n关系比道理更重要' "亲子沟通单元。关系，比道理更重要。" \
  $'倾听\n放下手机，让孩子说完' "第一，倾听。放下手机，看着孩子，让他把话说完。" \
  $'共情\n先说出孩子的感受' "第二，共情。先说出孩子的感受，再讲道理。" \
  $'修复\n用“我”表达感受\n吵架之后先道歉' "第三，修复。用我开头表达感受，吵架之后主动道歉。"

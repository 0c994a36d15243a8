# Plots for tests/bench/run-all.sh: gnuplot -e "out='DIR'" plots.gp
set terminal pngcairo size 720,420 font "sans,10"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set grid ytics
set key top left

set output out."/floor.png"
set title "VMM floor on kvm-pvm: start to exit of a kit guest (median)"
set ylabel "seconds"
set y2label "peak RSS (MiB)"
set y2tics
set ytics nomirror
plot out."/floor.dat" using 2:xtic(1) title "start to exit (s)" axes x1y1, \
     "" using 3 title "peak RSS (MiB)" axes x1y2
unset y2tics
unset y2label
set ytics mirror

set output out."/memory.png"
set title "VMM memory overhead (RSS minus guest RAM), idle 64 MiB kit guests"
set ylabel "MiB, summed over the guests"
plot out."/memory.dat" using ($2/1024):xtic(1) title "xlc", "" using ($3/1024) title "QEMU microvm"

set output out."/boot.png"
set title "Stock Debian guest in the nested KVM host (median)"
set ylabel "seconds"
plot out."/boot.dat" using 2:xtic(1) title "to marker", "" using 3 title "to exit after poweroff", \
     "" using 4 title "guest uptime at marker"

set style data linespoints
set output out."/control.png"
set title "Control plane latency on kvm-pvm (median)"
set xlabel "running guests"
set ylabel "milliseconds"
set logscale x
plot out."/control.dat" using 1:2 title "xlc list", "" using 1:3 title "xlc list --json", \
     "" using 1:4 title "xlc top -b -i 1"

set output out."/batch.png"
set title "Batch create on kvm-pvm: until all guests run (median)"
set ylabel "seconds"
plot out."/batch.dat" using 1:2 title "xlc create DIR", "" using 1:3 title "N x xlc create"

set style data histograms
unset logscale x
unset xlabel
set output out."/io.png"
set title "I/O in the nested KVM host: xlc relative to QEMU microvm (median; > 1: xlc faster)"
set ylabel "xlc / QEMU"
plot "< awk 'NR==1 {for (i=2;i<=6;i++) x[i]=$i} NR==2 {split(\"seq-write seq-read rand-read net-rx net-tx\", n, \" \"); for (i=2;i<=6;i++) print n[i-1], x[i]/$i}' ".out."/io.dat" using 2:xtic(1) title "xlc / QEMU"

"""The words the API says to people, in one place to review: formal government Indonesian (EYD V).

Every message app.py answers with, every label and title the pages and mails are given, and every
sentence more than one page or mail repeats (what happens after applying) is here. Templates receive
this module as `m` and use it for those; a template's own one-off prose stays in the template, where
the test of the wording rules (tests/functions/test_messages.py) reads it too.

Rules the wording follows: "daring", not "online"; "surel" (or *email* in italics), not "Email";
"Kesalahan", not "Galat"; "memiliki", not "punya"; thousands with a dot ("1.000 karakter"); an
officer is addressed "Yth. Bapak/Ibu <jabatan>"; regulations by their full name.

Placeholders are str.format fields: `m.NOTICE_TRY_AGAIN_IN.format(minutes=3)`.
"""

from __future__ import annotations

from typing import Final

SITE_NAME: Final = "Standar Pelayanan Publik"
ERROR_PREFIX: Final = "Kesalahan: "  # before a page's title when it shows errors (GOV.UK error pages)
ERROR_INLINE: Final = "Kesalahan:"  # read out before an error message next to a field

# --- the application form (templates/form.html) ------------------------------------------------------------------
DATE_HINT: Final = "Tulis tanggal-bulan-tahun, contoh: 17-08-1990"
DATE_MAX_LENGTH: Final = 30  # "17 September 1990" and then some; the server reads the date from it
NIK_SPACES: Final = 8  # a NIK may be typed in groups ("5105 0157 0890 0001"): room for the spaces
NOT_SENT_TITLE: Final = "Permohonan belum terkirim"
# The form's script (site/assets/javascripts/permohonan.js) reads these from the form's data-pesan.
FORM_SCRIPT: Final = {
    "error_prefix": ERROR_PREFIX,
    "error_inline": ERROR_INLINE,
    "requirements": "Centang semua persyaratan; siapkan dulu berkas yang belum ada.",
    "consent": "Centang tanda bahwa Anda telah membaca pemberitahuan pelindungan data pribadi untuk melanjutkan.",
    "choose": "Pilih {label}.",
    "required": "{label} wajib diisi.",
    "nik": "{label} harus 16 digit angka.",
    "invalid": "{label} tidak sah, periksa lagi penulisannya.",
    "too_long": "{label} terlalu panjang.",
    "sending": "Mengirim permohonan…",
    "sent_opening": "Permohonan terkirim. Membuka halaman tanda terima…",
    "accepted": "Permohonan diterima.",
    "failed": "Permohonan belum terkirim (kode {code}). Silakan coba lagi.",
    "offline": "Permohonan belum terkirim karena sambungan terputus. Periksa internet Anda, lalu kirim lagi.",
    "sent_title": "Permohonan ini sudah terkirim",
    "reference_label": "Nomor permohonan",
    "sent_text": (
        "Formulir ini tidak dikirim lagi, agar permohonan Anda tidak tercatat dua kali. Tanda terima, tautan"
        " status, dan langkah selanjutnya ada di halaman tanda terima dan di surel Anda."
    ),
    "open_confirmation": "Buka tanda terima permohonan",
    "new_application": "Ajukan permohonan baru",
}

# --- app.py: answers to the applicant's submission -------------------------------------------------------------
BUSY_TITLE: Final = "Sistem sedang sibuk."
SUBMISSION_NOT_STORED: Final = (
    "Permohonan Anda belum tercatat. Kirim lagi formulir yang sama dalam beberapa detik;"
    " permohonan tidak akan tercatat dua kali."
)
UNKNOWN_SERVICE_TITLE: Final = "Layanan tidak dikenal"
INVALID_JSON_TITLE: Final = "Permohonan belum dapat diterima."
RATE_LIMITED_TITLE: Final = "Terlalu banyak permohonan dari alamat internet Anda."
RATE_LIMITED_WAIT: Final = "Permohonan ini belum tercatat. Silakan kirim lagi dalam {minutes} menit."
RATE_LIMITED_KEPT: Final = (
    "Isian Anda masih tersimpan di halaman formulir jika Anda kembali dengan tombol Kembali pada peramban."
)
BACK_TO_FORM: Final = "Kembali ke formulir permohonan"
NO_OFFICER_TITLE: Final = "Permohonan daring untuk layanan ini belum dapat diterima."
NO_OFFICER_TEXT: Final = "Petugas yang memprosesnya belum ditetapkan. Silakan datang langsung atau hubungi instansi."
HONEYPOT_TITLE: Final = "Permohonan diterima."
HONEYPOT_TEXT: Final = "Terima kasih."
CROSS_SITE_TITLE: Final = "Permohonan ditolak"
CROSS_SITE_TEXT: Final = "Permohonan hanya dapat dikirim dari formulir di situs layanan ini. Tidak ada yang tercatat."
CROSS_SITE_WHAT_TO_DO: Final = "Buka halaman layanan di situs instansi, lalu isi dan kirim formulirnya di sana."
UNREADABLE_TITLE: Final = "Permintaan tidak dapat dibaca."
UNREADABLE_SUBMISSION: Final = "Kirim ulang dari halaman formulir."
SUBMISSION_TOO_LARGE_TITLE: Final = "Permohonan terlalu besar."
SUBMISSION_TOO_LARGE_TEXT: Final = "Periksa panjang isian Anda."
RELOAD_SOON: Final = "Muat ulang halaman ini dalam beberapa detik."
STATUS_NOT_FOUND_TITLE: Final = "Permohonan tidak ditemukan"
STATUS_NOT_FOUND_TEXT: Final = "Periksa apakah tautan tersalin utuh dari surel tanda terima."

# --- app.py: answers to officers -------------------------------------------------------------------------------
FORGED_TITLE: Final = "Permintaan ditolak"
FORGED_TEXT: Final = "Keputusan hanya dapat dikirim dari halaman persetujuan itu sendiri."
FORGED_WHAT_TO_DO: Final = "Buka lagi tautan dari surel Anda, lalu tekan tombolnya di sana."
LINK_NOT_SENT_TITLE: Final = "Tautan belum dapat dikirim"
LINK_NOT_SENT_TEXT: Final = (
    "Belum ada petugas terdaftar untuk langkah ini. Hubungi pengelola layanan daring instansi Anda."
)
# An officer's reason for a rejection, or note of what to complete for a return ("Berkas perlu dilengkapi").
REJECT_REASON_NAME: Final = "Alasan penolakan"
RETURN_NOTE_NAME: Final = "Catatan kelengkapan"
REASON_REQUIRED: Final = "{name} wajib diisi: pemohon akan membacanya."
REASON_TOO_SHORT: Final = (
    "{name} terlalu singkat: tulis paling sedikit {minimum} karakter tentang apa yang harus diperbaiki pemohon."
)
REASON_TOO_LONG: Final = "{name} terlalu panjang (paling banyak {maximum} karakter)."
REASON_BAD_CHARACTERS: Final = "{name} memuat karakter yang tidak diizinkan."
DECISION_CHOICE: Final = "Pilih setujui, tolak, atau kembalikan untuk dilengkapi."
DECISION_NOT_STORED: Final = "Keputusan Anda belum tercatat. Muat ulang halaman dan coba lagi dalam beberapa detik."
DECISION_TOO_LARGE_TITLE: Final = "Permintaan terlalu besar."
DECISION_TOO_LARGE_TEXT: Final = "Alasan penolakan paling banyak 1.000 karakter."

# --- page titles and labels (web/api_pages.py) ---------------------------------------------------------------------
STATUS_TITLE: Final = "Status permohonan {reference}"
CONFIRMATION_TITLE: Final = "Permohonan terkirim"
CONFIRMATION_REPEAT_TITLE: Final = "Permohonan ini sudah terkirim"
CONFIRMATION_REPEAT_TEXT: Final = (
    "Formulir yang sama sudah kami terima sebelumnya. Tidak ada permohonan baru yang dibuat;"
    " ini permohonan Anda yang tercatat."
)
REVIEW_TITLE: Final = "Permohonan {reference}"
REVIEW_UNKNOWN_TITLE: Final = "Tautan persetujuan"
FORM_AGAIN_TITLE: Final = "Perbaiki permohonan: {service}"
ERROR_SUMMARY_TITLE: Final = "Ada yang perlu diperbaiki"
EVENT_SUBMITTED: Final = "Permohonan diajukan"
EVENT_APPROVED: Final = "Disetujui"
EVENT_REJECTED: Final = "Ditolak"
EVENT_LINK_RENEWED: Final = "Tautan persetujuan baru dikirim"
EVENT_RETURNED: Final = "Dikembalikan untuk dilengkapi"
EVENT_COMPLETED: Final = "Dilengkapi dan dikirim kembali oleh pemohon"
EVENT_CLOSED: Final = "Ditutup karena tidak dilengkapi sampai batas waktunya"
NOT_SAVED_RETURN: Final = "pengembalian untuk dilengkapi"
DECIDED_RETURNED: Final = "mengembalikan untuk dilengkapi"
NOT_SAVED_APPROVAL: Final = "persetujuan"
NOT_SAVED_REJECTION: Final = "penolakan"
DECIDED_APPROVED: Final = "menyetujui"
DECIDED_REJECTED: Final = "menolak"

# --- mail subjects (mail/composer.py) --------------------------------------------------------------------------
SUBJECT_RECEIPT: Final = "Permohonan {reference} diterima: {title}"
SUBJECT_REVIEW: Final = "Mohon persetujuan {reference}: {title} (langkah {step} dari {steps})"
SUBJECT_APPROVED: Final = "Permohonan {reference} disetujui: {title}"
SUBJECT_REJECTED: Final = "Permohonan {reference} ditolak: {title}"
SUBJECT_RETURNED: Final = "Permohonan {reference} perlu dilengkapi: {title}"
SUBJECT_CLOSED: Final = "Permohonan {reference} ditutup karena tidak dilengkapi: {title}"
SUBJECT_COMPLETED: Final = "Kelengkapan permohonan {reference} diterima: {title}"
# the time promise (chalicelib/deadlines/): to the step's officers, then to the agency's escalation role
SUBJECT_DEADLINE_REMINDER: Final = (
    "Pengingat: {reference} menunggu keputusan Anda (langkah {step} dari {steps}): {title}"
)
SUBJECT_DEADLINE_OVERDUE: Final = "Melewati batas waktu: {reference} menunggu keputusan Anda: {title}"
SUBJECT_DEADLINE_ESCALATION: Final = (
    "Eskalasi: {reference} melewati batas waktu di langkah {step} dari {steps}: {title}"
)
DEADLINE_REMINDER_TEXT: Final = (
    "Permohonan ini masih menunggu keputusan Anda dan sebagian besar jangka waktu yang dijanjikan standar"
    " pelayanan sudah berjalan."
)
DEADLINE_ESCALATION_TEXT: Final = (
    "Permohonan ini melewati batas waktu penyelesaian dan belum diputuskan oleh {role} (langkah {step} dari"
    " {steps}). Surel ini dikirim kepada Anda sebagai atasan yang ditunjuk instansi untuk menindaklanjuti."
)
ESCALATION_ADDRESSEE: Final = "Pimpinan"
# published performance (chalicelib/performance/, web/performance_pages.py, the site's "Kinerja layanan")
PERFORMANCE_TITLE: Final = "Kinerja layanan"
PERFORMANCE_INTRO: Final = (
    "Jumlah permohonan daring per bulan, lama waktu sampai diputuskan, dan bagian yang diputuskan dalam jangka"
    " waktu yang dijanjikan standar pelayanan. Angka diperbarui setiap kali permohonan diajukan atau diputuskan."
)
PERFORMANCE_NONE: Final = "Belum ada permohonan daring yang tercatat."
PERFORMANCE_METHOD: Final = (
    "Waktu dihitung dalam jam pelayanan instansi, di luar hari libur dan waktu berkas dikembalikan kepada"
    " pemohon. Median dan 90% ditulis sebagai batas atas kelompok waktu (misalnya ≤ 1 jam). Tepat waktu: bagian"
    " permohonan yang diputuskan sebelum atau tepat pada target selesai, dari yang standarnya menetapkan batas"
    " waktu."
)
PERFORMANCE_JSON: Final = "Data terbuka (JSON)"
PERFORMANCE_SITE_LINK: Final = "Lihat kinerja layanan per bulan"
PERFORMANCE_SITE_TEXT: Final = (
    "Berapa permohonan daring diterima dan diputuskan setiap bulan, berapa lama sampai diputuskan, dan berapa"
    " yang selesai dalam jangka waktu yang dijanjikan."
)
PERFORMANCE_CSV: Final = "Data terbuka (CSV)"
PERFORMANCE_SCRIPT: Final = {  # site/assets/javascripts/angka.js, through the section's data-pesan attribute
    "caption": "Tiga bulan terakhir (waktu dalam jam kerja instansi)",
    "figure": "Permohonan daring",
    "rows": ["Diterima", "Diputuskan", "Dikembalikan", "Median waktu", "Tepat waktu"],
    "none": "Belum ada permohonan daring yang tercatat.",
    "at_most": "paling lama",
    "minutes": "menit",
    "hours": "jam",
}
PERFORMANCE_UNKNOWN_TITLE: Final = "Instansi atau layanan tidak ditemukan"
SUBJECT_DIGEST: Final = "Ringkasan harian {day}: {count} permohonan menunggu keputusan Anda"
DIGEST_INTRO: Final = (
    "Berikut permohonan yang sedang menunggu keputusan Anda, mulai dari yang paling lama diajukan. Tautan"
    " untuk memutuskan ada di surel permintaan persetujuan masing-masing (atau surel pengingat yang terbaru)."
)
DIGEST_PAUSED: Final = "Jangka waktu berhenti sementara: berkas sedang dilengkapi pemohon."
DIGEST_MORE: Final = "Masih ada permohonan lain yang menunggu; daftar ini memuat 50 yang paling lama per peran."
DIGEST_OPT_OUT: Final = (
    "Anda menerima ringkasan ini karena terdaftar untuk ringkasan harian. Untuk berhenti, hubungi pengelola"
    " layanan daring instansi Anda."
)
VIEW_ONLY_LINK_TEXT: Final = (
    "Tautan ini hanya untuk melihat: keputusan diberikan oleh {role} melalui tautan persetujuan mereka sendiri."
)
DEAR_OFFICER: Final = "Yth. Bapak/Ibu {role},"

# --- what happens next (confirmation, receipt mail, status page, decision mail) ---------------------------------
NEXT_TITLE: Final = "Apa yang terjadi selanjutnya"
NEXT_REVIEW: Final = (
    "{office} memeriksa permohonan Anda, mulai dari {first_role}. Anda menerima surel setiap kali"
    " permohonan diputuskan."
)
DEADLINE: Final = "Target selesai: {due}, sesuai standar pelayanan."
# Once the due time has passed (time/promise.py): the applicant's pages and mail, then the officers'.
OVERDUE: Final = "Melewati batas waktu sejak {due}."
PAUSED: Final = (
    "Jangka waktu penyelesaian berhenti sementara sejak {since} sampai berkas dilengkapi; target selesai"
    " dihitung ulang setelah berkas diterima lengkap."
)
OVERDUE_APPLICANT: Final = (
    "Permohonan Anda belum diputuskan dalam jangka waktu yang dijanjikan standar pelayanan. Anda dapat"
    " menanyakan atau mengadukannya melalui saluran pengaduan {agency} di bawah ini dengan menyebutkan nomor"
    " permohonan {reference}."
)
OVERDUE_OFFICER: Final = (
    "Jangka waktu yang dijanjikan standar pelayanan kepada pemohon sudah terlewati: mohon permohonan ini"
    " segera diputuskan."
)
NO_DEADLINE: Final = "Standar pelayanan ini tidak menetapkan batas waktu penyelesaian paling lama."
NEXT_VISIT: Final = (
    "Datang ke kantor {office} dengan membawa berkas asli persyaratan di bawah. Petugas memeriksa"
    " berkas asli sebelum produk layanan diserahkan."
)
NEXT_VISIT_INTERVIEW: Final = (
    "Datang ke kantor {office} dengan membawa berkas asli persyaratan di bawah. Petugas memeriksa"
    " berkas asli dan mewawancarai Anda, sesuai prosedur standar pelayanan, sebelum produk layanan diserahkan."
)
NEXT_WAIT_FOR_CALL: Final = "Tunggu surel keputusan sebelum datang, kecuali petugas menghubungi Anda lebih dahulu."
NEXT_COLLECT: Final = "Produk layanan yang Anda terima: {product}."
NEXT_APPROVED: Final = (
    "Permohonan Anda sudah disetujui. Datang ke kantor {office} dengan membawa berkas asli persyaratan"
    " di bawah dan sebutkan nomor permohonan {reference}."
)
NEXT_REJECTED: Final = (
    "Anda dapat mengajukan permohonan baru setelah memperbaiki hal di atas. Jika Anda tidak sependapat"
    " dengan keputusan ini, sampaikan pengaduan melalui saluran di bawah dengan menyebutkan nomor permohonan."
)
WHERE_TITLE: Final = "Alamat kantor"
HOURS_TITLE: Final = "Jam layanan"
HOURS_UNKNOWN: Final = (
    "Standar pelayanan ini belum mencantumkan jam layanan. Tanyakan melalui saluran di bawah sebelum datang."
)
BRING_TITLE: Final = "Berkas asli yang dibawa"
PROCEDURE_TITLE: Final = "Prosedur selanjutnya menurut standar pelayanan"
DONE_BY: Final = "Dilakukan oleh: {actor}"
RECEIPT_SENT_TO: Final = "Tanda terima dikirim ke {email}."
STATUS_LINK_TITLE: Final = "Tautan status permohonan"
STATUS_LINK_HINT: Final = (
    "Simpan tautan ini: hanya dengan tautan ini Anda dapat melihat status permohonan. Jangan bagikan kepada"
    " orang lain. Tautan yang sama ada di surel tanda terima."
)
OPEN_STATUS: Final = "Lihat status permohonan"

# --- complaints, suggestions, questions and appreciation (chalicelib/complaints/) --------------------------------
COMPLAINT_FORM_TITLE: Final = "Sampaikan pengaduan, saran, atau masukan"
COMPLAINT_NATIONAL_CHANNEL: Final = (
    "Anda juga dapat menyampaikan pengaduan melalui SP4N-LAPOR!, kanal pengaduan nasional: lapor.go.id atau SMS 1708."
)
LAPOR_URL: Final = "https://www.lapor.go.id/"
COMPLAINT_SERVICE_REQUIRED: Final = "Pilih layanan yang Anda maksud."
COMPLAINT_CATEGORY_REQUIRED: Final = "Pilih jenis: pengaduan, saran, pertanyaan, atau apresiasi."
COMPLAINT_TEXT_REQUIRED: Final = "Isi pengaduan, saran, atau masukan wajib diisi."
COMPLAINT_TEXT_TOO_SHORT: Final = (
    "Isi terlalu singkat: tulis paling sedikit {minimum} karakter tentang apa yang terjadi."
)
COMPLAINT_TEXT_TOO_LONG: Final = "Isi terlalu panjang (paling banyak {maximum} karakter)."
COMPLAINT_TEXT_CHARACTERS: Final = "Isi memuat karakter yang tidak diizinkan."
COMPLAINT_REFERENCE_INVALID: Final = (
    "Nomor permohonan tidak sah: tulis seperti pada tanda terima, contoh {example}, atau kosongkan."
)
COMPLAINT_NAME_TOO_LONG: Final = "Nama terlalu panjang (paling banyak {maximum} karakter)."
COMPLAINT_EMAIL_INVALID: Final = "Alamat surel tidak sah, periksa lagi penulisannya, atau kosongkan."
COMPLAINT_PHONE_INVALID: Final = "Nomor telepon tidak sah, periksa lagi penulisannya, atau kosongkan."
COMPLAINT_CONFIDENTIAL_NEEDS_CONTACT: Final = (
    "Identitas yang dirahasiakan harus diisi: tulis nama, surel, atau telepon, atau hapus centang rahasia."
)
COMPLAINT_REPEAT_OTHER: Final = (
    "Formulir ini sudah terkirim sebelumnya dengan isian lain (nomor tiket {ticket}). Untuk menyampaikan"
    " pengaduan lain, buka lagi formulir dari halaman layanan."
)
COMPLAINT_NOT_ACCEPTED_TITLE: Final = "Instansi ini belum menerima pengaduan daring"
COMPLAINT_NOT_ACCEPTED_TEXT: Final = "Sampaikan pengaduan melalui saluran pengaduan instansi atau SP4N-LAPOR!."
COMPLAINT_NOT_STORED: Final = (
    "Pengaduan Anda belum tersimpan. Silakan kirim lagi formulir yang sama dalam beberapa detik."
)
COMPLAINT_STATUS_NOT_FOUND_TITLE: Final = "Tiket pengaduan tidak ditemukan"
COMPLAINT_STATUS_NOT_FOUND_TEXT: Final = (
    "Periksa lagi tautan status pada tanda terima atau surel Anda: nomor tiket dan kuncinya harus lengkap."
)
COMPLAINT_ANSWER_REQUIRED: Final = "Jawaban wajib diisi: pengadu akan membacanya."
COMPLAINT_REASON_REQUIRED: Final = "Alasan penutupan wajib diisi: pengadu akan membacanya."
COMPLAINT_REPLY_TOO_SHORT: Final = "Terlalu singkat: tulis paling sedikit {minimum} karakter."
COMPLAINT_REPLY_TOO_LONG: Final = "Terlalu panjang (paling banyak {maximum} karakter)."
COMPLAINT_ROLE_REQUIRED: Final = "Pilih jabatan yang menangani layanan ini."
COMPLAINT_ROLE_HAS_NO_OFFICER: Final = "Belum ada pejabat yang terdaftar untuk jabatan ini: pilih jabatan lain."
COMPLAINT_ACTION_UNKNOWN: Final = "Pilih tindakan: jawab, teruskan, atau tutup."
COMPLAINT_ACTION_NOT_ALLOWED: Final = "Pejabat yang menerima terusan wajib menjawab pengaduan ini."
COMPLAINT_FEEDBACK_REQUIRED: Final = "Pilih apakah jawaban ini menyelesaikan pengaduan Anda."
COMPLAINT_LINK_UNKNOWN_TITLE: Final = "Tautan tidak dikenal"
COMPLAINT_LINK_USED_TITLE: Final = "Tautan ini sudah digunakan"
COMPLAINT_LINK_EXPIRED_TITLE: Final = "Tautan ini sudah kedaluwarsa"
COMPLAINT_NO_OFFICER_TITLE: Final = "Pengaduan belum dapat diterima"
COMPLAINT_NO_OFFICER_TEXT: Final = (
    "Belum ada pengelola pengaduan yang terdaftar untuk instansi ini. Sampaikan pengaduan melalui saluran"
    " pengaduan instansi atau SP4N-LAPOR!."
)
COMPLAINT_DECISION_NOT_STORED: Final = "Tindakan Anda belum tersimpan. Silakan kirim lagi dalam beberapa detik."
COMPLAINT_FIGURES_LINK: Final = "Angka pengaduan per bulan: diterima, dijawab, dan ketepatan waktunya"
COMPLAINT_FIGURES_NOT_FOUND_TITLE: Final = "Data pengaduan tidak ditemukan"
COMPLAINT_FIGURES_NOT_FOUND_TEXT: Final = "Periksa nama instansi dan bulan (tulis YYYY-MM, contoh 2026-01)."
SUBJECT_COMPLAINT_RECEIPT: Final = "Tanda terima pengaduan {ticket}: {title}"
SUBJECT_COMPLAINT_REQUEST: Final = "Pengaduan {ticket} perlu ditanggapi: {title}"
SUBJECT_COMPLAINT_ANSWER: Final = "Tanggapan atas pengaduan {ticket}: {title}"
SUBJECT_COMPLAINT_REMINDER: Final = "Pengingat: pengaduan {ticket} belum dijawab: {title}"
SUBJECT_COMPLAINT_ESCALATION: Final = "Pengaduan {ticket} melewati batas waktu tanggapan: {title}"
SUBJECT_COMPLAINT_DECISION_REMINDER: Final = "Pengingat: pengaduan {ticket} belum diselesaikan: {title}"
SUBJECT_COMPLAINT_DECISION_ESCALATION: Final = "Pengaduan {ticket} melewati batas waktu penyelesaian: {title}"
SUBJECT_COMPLAINT_DELIVERY_PROBLEM: Final = "Surel pengaduan {ticket} tidak terkirim: {title}"
# The answer to a frequent question, published on the service page (chalicelib/complaints/faq.py)
FAQ_TITLE: Final = "Tanya jawab"
FAQ_INTRO: Final = (
    "Jawaban instansi atas pertanyaan yang diajukan masyarakat. Pertanyaan ditulis ulang oleh pengelola"
    " pengaduan tanpa identitas penanya."
)
FAQ_NONE: Final = "Belum ada tanya jawab yang diterbitkan untuk layanan ini."
FAQ_SITE_LINK: Final = "Tanya jawab: jawaban atas pertanyaan yang sering diajukan"
FAQ_JSON: Final = "Tanya jawab (JSON)"
FAQ_PUBLISHED: Final = "Diterbitkan"
FAQ_UNKNOWN_TITLE: Final = "Layanan tidak ditemukan"
FAQ_PUBLISH_LABEL: Final = "Terbitkan jawaban ini sebagai tanya jawab di halaman layanan"
FAQ_QUESTION_LABEL: Final = "Pertanyaan untuk umum (tulis ulang tanpa nama, alamat, nomor, atau kalimat penanya)"
FAQ_ONLY_QUESTIONS: Final = "Hanya jawaban atas pertanyaan yang dapat diterbitkan sebagai tanya jawab."
FAQ_ONLY_ANSWERS: Final = "Pilih Jawab pengadu untuk menerbitkan jawabannya sebagai tanya jawab."
FAQ_ONLY_COORDINATOR: Final = "Hanya pengelola pengaduan yang dapat menerbitkan tanya jawab."
FAQ_QUESTION_REQUIRED: Final = "Tulis pertanyaan untuk umum: pertanyaan inilah yang diterbitkan."
FAQ_HAS_CONTACT: Final = "{name} memuat identitas penanya ({what}). Hapus sebelum diterbitkan."
FAQ_COPIES_COMPLAINANT: Final = (
    "Pertanyaan untuk umum menyalin kalimat penanya. Tulis ulang dengan kata-kata Anda sendiri."
)

# --- Survei Kepuasan Masyarakat (chalicelib/surveys/, templates/surveys/) ---
SURVEY_TITLE: Final = "Survei Kepuasan Masyarakat"
SURVEY_SERVICE: Final = "Layanan"
SURVEY_INTRO: Final = (
    "Survei ini mengikuti Peraturan Menteri PANRB Nomor 14 Tahun 2017. Jawaban Anda membantu instansi"
    " memperbaiki pelayanannya."
)
SURVEY_PROFILE: Final = "Profil responden"
SURVEY_SEX: Final = "Jenis kelamin"
SURVEY_AGE: Final = "Usia (tahun)"
SURVEY_EDUCATION: Final = "Pendidikan terakhir"
SURVEY_OCCUPATION: Final = "Pekerjaan utama"
SURVEY_CHOOSE: Final = "Pilih"
SURVEY_QUESTIONS: Final = "Pendapat Anda tentang pelayanan"
SURVEY_SUGGESTION: Final = "Saran dan masukan (boleh dikosongkan)"
SURVEY_ANONYMOUS: Final = (
    "Jawaban Anda disimpan tanpa nama, NIK, alamat, atau nomor permohonan, dan tidak dapat dihubungkan"
    " dengan diri Anda."
)
SURVEY_SEND: Final = "Kirim jawaban survei"
SURVEY_THANKS_TITLE: Final = "Terima kasih, jawaban Anda sudah tercatat"
SURVEY_THANKS_TEXT: Final = (
    "Jawaban Anda ikut dihitung dalam Indeks Kepuasan Masyarakat layanan ini pada semester berjalan."
)
SURVEY_ALREADY_TITLE: Final = "Survei ini sudah diisi"
SURVEY_ALREADY_TEXT: Final = (
    "Tautan survei ini hanya dapat dipakai satu kali, dan jawaban pertama sudah tercatat. Jawaban yang"
    " baru tidak dihitung lagi."
)
SURVEY_UNKNOWN_TITLE: Final = "Tautan survei tidak dikenal"
SURVEY_UNKNOWN_TEXT: Final = "Periksa kembali tautan dari surel keputusan Anda. Tautan survei harus disalin utuh."
SURVEY_NOT_DECIDED_TITLE: Final = "Survei belum dapat diisi"
SURVEY_NOT_DECIDED_TEXT: Final = "Survei dapat diisi setelah permohonan Anda diputuskan."
SURVEY_UNKNOWN_SERVICE_TITLE: Final = "Layanan tidak ditemukan"
SURVEY_UNKNOWN_SERVICE_TEXT: Final = "Layanan atau instansi ini tidak ada dalam daftar Standar Pelayanan."
SURVEY_NOT_STORED: Final = "Jawaban survei Anda belum tersimpan. Silakan kirim ulang beberapa saat lagi."
SURVEY_RESULTS_TITLE: Final = "Indeks Kepuasan Masyarakat"
SURVEY_PERIOD: Final = "Periode"
SURVEY_IKM: Final = "Nilai IKM"
SURVEY_GRADE: Final = "Mutu pelayanan"
SURVEY_RESPONDENTS: Final = "Jumlah responden"
SURVEY_SAMPLE: Final = "Sampel minimal (tabel Krejcie dan Morgan)"
SURVEY_SAMPLE_UNKNOWN: Final = "Jumlah penerima layanan semester ini belum dinyatakan instansi."
SURVEY_SAMPLE_REACHED: Final = "Tercapai: minimal {needed} responden dari {population} penerima layanan."
SURVEY_SAMPLE_SHORT: Final = "Belum tercapai: minimal {needed} responden dari {population} penerima layanan."
SURVEY_ELEMENTS_CAPTION: Final = "Nilai per unsur pelayanan"
SURVEY_ELEMENT: Final = "Unsur"
SURVEY_NRR: Final = "Nilai rata-rata (1\u20134)"
SURVEY_CONVERTED: Final = "Nilai konversi (25\u2013100)"
SURVEY_NO_RESPONDENTS: Final = "Belum ada responden pada periode ini."
SURVEY_FOLLOW_UP: Final = "Rencana tindak lanjut"
SURVEY_PREVIOUS: Final = "Semester sebelumnya"
SURVEY_DATA_JSON: Final = "Data terbuka (JSON)"
SURVEY_DATA_CSV: Final = "Data terbuka (CSV)"
SURVEY_FILL: Final = "Isi Survei Kepuasan Masyarakat"
SURVEY_SITE_RESULTS: Final = "Lihat Indeks Kepuasan Masyarakat (IKM) semester ini"
SURVEY_SCRIPT: Final = {  # site/assets/javascripts/angka.js, through the section's data-pesan attribute
    "summary": "Nilai IKM {ikm}, mutu {grade} ({grade_name}), dari {respondents} responden, {period}.",
    "none": "Belum ada responden pada {period}.",
    "caption": "Nilai per unsur pelayanan",
    "element": "Unsur",
    "nrr": "Nilai rata-rata (1\u20134)",
}
SURVEY_SITE_TEXT: Final = (
    "Hasil survei kepuasan penerima layanan, dihitung menurut Peraturan Menteri PANRB Nomor 14 Tahun 2017,"
    " beserta rencana tindak lanjut instansi."
)
SURVEY_MAIL_INVITATION: Final = (
    "Bantu kami memperbaiki pelayanan: isi Survei Kepuasan Masyarakat (sekitar 3 menit, tanpa identitas)."
    " Tautan ini hanya dapat dipakai satu kali:"
)

# The document flow (issue 12): drafts, uploads, "Periksa kembali".
DRAFT_NOT_FOUND_TITLE: Final = "Draf permohonan tidak ditemukan"
DRAFT_NOT_FOUND_TEXT: Final = (
    "Draf ini tidak ada atau sudah lewat satu hari. Isi formulir permohonan lagi dari halaman layanan."
)
DRAFT_SENT_TITLE: Final = "Permohonan ini sudah terkirim"
DRAFT_SENT_TEXT: Final = (
    "Draf ini sudah dikirim sebagai permohonan nomor {reference}. Tautan statusnya ada di surel tanda terima."
)
UPLOADS_UNAVAILABLE_TITLE: Final = "Unggah berkas belum tersedia"
UPLOADS_UNAVAILABLE_TEXT: Final = "Tempat penyimpanan berkas belum disiapkan di server ini. Coba lagi nanti."
DRAFT_FORM_TITLE: Final = "Ubah data permohonan {service}"
UPLOAD_SCRIPT: Final = {  # web/upload_progress.js, through the documents page's data-pesan attribute
    "hint": (
        "Anda dapat memilih berkas untuk beberapa persyaratan sekaligus, lalu menekan salah satu tombol Unggah:"
        " semua berkas yang Anda pilih diunggah bersamaan."
    ),
    "progress_label": "Kemajuan unggah persyaratan {item}, berkas {slot}",
    "progress": "Mengunggah… {percent}%",
    "checking": "Berkas terkirim; sedang diperiksa…",
    "none_chosen": "Pilih dulu berkas yang akan diunggah.",
    "check_failed": "Berkas belum dapat diperiksa. Muat ulang halaman ini, lalu pilih berkasnya lagi.",
    "done": "Unggahan selesai diperiksa: {accepted} berkas diterima, {refused} berkas ditolak.",
}
UPLOAD_ACCEPTED: Final = "Berkas {slot} diterima: {described}, sudah diperiksa."
# The officer's review page with malware scanning on (documents/malware.py): what shows instead of a link.
SCAN_THREATS: Final = (
    "Pemindai malware menandai berkas ini berbahaya; berkas tidak ditampilkan. Kembalikan permohonan untuk"
    " dilengkapi agar pemohon mengunggah berkas lain."
)
SCAN_PENDING: Final = "Berkas ini sedang dipindai dari malware. Muat ulang halaman ini sebentar lagi untuk membukanya."
SCAN_UNCHECKED: Final = "Berkas ini tidak dapat dipindai dari malware; buka dengan hati-hati."

# --- the application form's field checks (applications/validation.py); {label} is the field's label -------

FIELD_UNKNOWN_SERVICE: Final = "Layanan tidak dikenal atau tidak menerima permohonan daring."
FIELD_UNKNOWN: Final = "Isian '{name}' tidak dikenal untuk layanan ini."
FIELD_CONSENT: Final = (
    "Centang tanda bahwa Anda telah membaca pemberitahuan pelindungan data pribadi untuk melanjutkan."
)
FIELD_KEY_TOO_LONG: Final = "Kunci pengiriman terlalu panjang; muat ulang halaman formulir."
FIELD_NIK_BIRTH_DATE: Final = ", yang mencatat tanggal lahir {date}"
FIELD_BIRTH_DATE_MISMATCH: Final = "{label} tidak sesuai dengan {nik}{shown}. Periksa kembali keduanya."
FIELD_CHECKBOX: Final = "{label}: centang atau kosongkan."
FIELD_CHECKBOX_REQUIRED: Final = "Centang {label} untuk melanjutkan."
FIELD_NOT_TEXT: Final = "{label} harus berupa teks."
FIELD_TOO_LONG: Final = "{label} terlalu panjang (paling banyak {limit} karakter)."
FIELD_CONTROL_CHARACTERS: Final = "{label} memuat karakter yang tidak diizinkan."
FIELD_FOREIGN_DIGITS: Final = "{label} harus ditulis dengan angka 0–9; angka {digits} dari aksara lain tidak diterima."
FIELD_NO_LETTER: Final = "{label} harus memuat huruf atau angka."
FIELD_CHOOSE: Final = "Pilih {label}."
FIELD_REQUIRED: Final = "{label} wajib diisi."
FIELD_NIK_DIGITS: Final = "{label} harus 16 digit angka."
FIELD_NIK_PROVINCE: Final = "{label} tidak sah: kode provinsi {code} tidak dikenal."
FIELD_NIK_DATE: Final = "{label} tidak sah: digit ke-7 sampai ke-12 ({digits}) bukan tanggal lahir yang valid."
FIELD_NIK_SERIAL: Final = "{label} tidak sah: nomor urut (4 digit terakhir) tidak boleh 0000."
FIELD_EMAIL: Final = "{label} tidak sah, periksa lagi penulisannya (contoh: nama@contoh.id)."
FIELD_DATE_INCOMPLETE: Final = "{label} belum lengkap: isi tanggal, bulan, dan tahun (contoh: {example})."
FIELD_DATE_YEAR: Final = "{label}: tulis tahun dengan empat angka (contoh: {example})."
FIELD_DATE_INVALID: Final = "{label} harus berupa tanggal yang valid (contoh: {example})."
FIELD_DATE_FUTURE: Final = "{label} tidak boleh setelah hari ini."
FIELD_DATE_TOO_EARLY: Final = "{label} tidak boleh sebelum tahun {year}."
FIELD_DATE_RANGE: Final = "{label} harus antara tahun {first} dan {last}."
FIELD_NUMBER: Final = "{label} harus berupa angka (contoh: 1500 atau 2,5)."
FIELD_CHOICE: Final = "Pilih {label} dari pilihan yang tersedia."
FIELD_PHONE: Final = (
    "{label} tidak sah. Tulis nomor Indonesia, misalnya 0812 3456 7890, atau nomor luar negeri"
    " diawali + dan kode negara, misalnya +81 90 1234 5678."
)

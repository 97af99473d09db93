"""The simulated centre's departments and procedures (pure data, no dependency).

A provincial Public Administration Service Center (Trung tâm Phục vụ hành chính công) receives
the dossiers of the province's departments at one desk. The 17 departments below are those of
a province in 2022 (before the 2025 reorganisation merged several of them); each has the
procedures that make most of its volume, with the processing time and fee published in
provincial catalogues of the time, rounded. The procedure **codes** are the demo's own, in the
national format (``2.9DDPPP``: department ``DD``, procedure ``PPP``), so that they cannot be
mistaken for entries of the national catalogue; the names, times and fees are realistic, not
authoritative.
"""

from __future__ import annotations

import attrs

__all__ = ["DEPARTMENTS", "PROCEDURES", "Department", "ProcedureSpec"]


@attrs.frozen
class Department:
    """A department whose dossiers the centre receives.

    Attributes:
        number: its number in the province's list (1-17), the ``DD`` of its agency code.
        name: the Vietnamese name, e.g. ``"Sở Tư pháp"``.
        weight: its share of the centre's volume (relative weight).
    """

    number: int
    name: str
    weight: float

    def agency_code(self, province: str) -> str:
        """The department's agency code in the legacy form, e.g. ``000.00.01.H53``."""
        return f"000.00.{self.number:02d}.{province}"


@attrs.frozen
class ProcedureSpec:
    """One procedure of the simulated catalogue.

    Attributes:
        code: the demo code in the national format (``2.9DDPPP``).
        name: the Vietnamese name.
        department: the department's number.
        days: the published processing time in working days.
        fee: the fee or charge in VND (0: free).
        weight: its share of its department's volume (relative weight).
        field_name: the field of activity (lĩnh vực).
        online_share: how much likelier than average an online submission is.
    """

    code: str
    name: str
    department: int
    days: int
    fee: int
    weight: float
    field_name: str
    online_share: float = 1.0


DEPARTMENTS: tuple[Department, ...] = (
    Department(1, "Sở Tư pháp", 9.0),
    Department(2, "Sở Kế hoạch và Đầu tư", 9.0),
    Department(3, "Sở Xây dựng", 3.0),
    Department(4, "Sở Tài nguyên và Môi trường", 20.0),
    Department(5, "Sở Giao thông vận tải", 26.0),
    Department(6, "Sở Lao động - Thương binh và Xã hội", 11.0),
    Department(7, "Sở Y tế", 5.0),
    Department(8, "Sở Giáo dục và Đào tạo", 3.0),
    Department(9, "Sở Công Thương", 4.0),
    Department(10, "Sở Nông nghiệp và Phát triển nông thôn", 3.0),
    Department(11, "Sở Tài chính", 2.0),
    Department(12, "Sở Nội vụ", 1.0),
    Department(13, "Sở Văn hóa, Thể thao và Du lịch", 1.5),
    Department(14, "Sở Khoa học và Công nghệ", 1.0),
    Department(15, "Sở Thông tin và Truyền thông", 0.7),
    Department(16, "Ban Quản lý Khu kinh tế", 2.5),
    Department(17, "Sở Ngoại vụ", 0.3),
)


def _p(
    dept: int,
    number: int,
    name: str,
    days: int,
    fee: int,
    weight: float,
    field_name: str,
    online_share: float = 1.0,
) -> ProcedureSpec:
    return ProcedureSpec(
        f"2.9{dept:02d}{number:03d}", name, dept, days, fee, weight, field_name, online_share
    )


PROCEDURES: tuple[ProcedureSpec, ...] = (
    # 1 Sở Tư pháp
    _p(
        1,
        1,
        "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú "
        "tại Việt Nam",
        10,
        200_000,
        8.0,
        "Lý lịch tư pháp",
        1.6,
    ),
    _p(
        1,
        2,
        "Cấp Phiếu lý lịch tư pháp cho cơ quan tiến hành tố tụng",
        10,
        0,
        1.0,
        "Lý lịch tư pháp",
        0.3,
    ),
    _p(1, 3, "Đăng ký hoạt động Văn phòng công chứng", 10, 1_000_000, 0.3, "Công chứng", 0.5),
    _p(
        1,
        4,
        "Thay đổi nội dung đăng ký hoạt động của tổ chức hành nghề luật sư",
        7,
        100_000,
        0.3,
        "Luật sư",
        0.5,
    ),
    # 2 Sở Kế hoạch và Đầu tư
    _p(
        2,
        1,
        "Đăng ký thay đổi nội dung đăng ký doanh nghiệp",
        3,
        50_000,
        5.0,
        "Thành lập và hoạt động của doanh nghiệp",
        2.5,
    ),
    _p(
        2,
        2,
        "Đăng ký thành lập công ty trách nhiệm hữu hạn một thành viên",
        3,
        50_000,
        2.0,
        "Thành lập và hoạt động của doanh nghiệp",
        2.5,
    ),
    _p(
        2,
        3,
        "Đăng ký thành lập doanh nghiệp tư nhân",
        3,
        50_000,
        1.0,
        "Thành lập và hoạt động của doanh nghiệp",
        2.0,
    ),
    _p(
        2,
        4,
        "Cấp Giấy chứng nhận đăng ký đầu tư đối với dự án không thuộc diện chấp thuận "
        "chủ trương đầu tư",
        15,
        0,
        0.3,
        "Đầu tư tại Việt Nam",
        0.5,
    ),
    # 3 Sở Xây dựng
    _p(
        3,
        1,
        "Cấp giấy phép xây dựng mới đối với công trình cấp II, cấp III",
        20,
        150_000,
        2.0,
        "Hoạt động xây dựng",
        0.6,
    ),
    _p(
        3,
        2,
        "Cấp chứng chỉ hành nghề hoạt động xây dựng hạng II, hạng III",
        20,
        300_000,
        2.0,
        "Hoạt động xây dựng",
        1.0,
    ),
    _p(
        3,
        3,
        "Thẩm định báo cáo nghiên cứu khả thi đầu tư xây dựng",
        20,
        0,
        0.6,
        "Hoạt động xây dựng",
        0.3,
    ),
    # 4 Sở Tài nguyên và Môi trường
    _p(
        4,
        1,
        "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
        10,
        0,
        7.0,
        "Đất đai",
        0.3,
    ),
    _p(
        4,
        2,
        "Cấp đổi Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác "
        "gắn liền với đất",
        7,
        50_000,
        3.0,
        "Đất đai",
        0.3,
    ),
    _p(4, 3, "Cung cấp dữ liệu đất đai", 3, 30_000, 2.0, "Đất đai", 1.2),
    _p(4, 4, "Cấp giấy phép khai thác, sử dụng nước dưới đất", 30, 0, 0.2, "Tài nguyên nước", 0.3),
    # 5 Sở Giao thông vận tải
    _p(
        5,
        1,
        "Cấp đổi giấy phép lái xe do ngành Giao thông vận tải cấp",
        5,
        135_000,
        10.0,
        "Đường bộ",
        1.0,
    ),
    _p(5, 2, "Cấp lại giấy phép lái xe", 10, 135_000, 1.5, "Đường bộ", 0.8),
    _p(5, 3, "Cấp phù hiệu xe ô tô kinh doanh vận tải", 2, 0, 2.0, "Đường bộ", 1.2),
    _p(5, 4, "Cấp Giấy phép lái xe quốc tế", 5, 135_000, 0.5, "Đường bộ", 1.2),
    # 6 Sở Lao động - Thương binh và Xã hội
    _p(6, 1, "Giải quyết hưởng trợ cấp thất nghiệp", 20, 0, 6.0, "Việc làm", 0.4),
    _p(
        6,
        2,
        "Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam",
        5,
        600_000,
        1.0,
        "Việc làm",
        1.2,
    ),
    _p(
        6,
        3,
        "Xác nhận người lao động nước ngoài không thuộc diện cấp giấy phép lao động",
        3,
        0,
        0.5,
        "Việc làm",
        1.2,
    ),
    # 7 Sở Y tế
    _p(
        7,
        1,
        "Cấp chứng chỉ hành nghề khám bệnh, chữa bệnh đối với người Việt Nam",
        20,
        360_000,
        2.0,
        "Khám bệnh, chữa bệnh",
        0.8,
    ),
    _p(
        7,
        2,
        "Cấp giấy chứng nhận đủ điều kiện kinh doanh dược",
        30,
        1_500_000,
        1.0,
        "Dược phẩm",
        0.8,
    ),
    _p(
        7,
        3,
        "Cấp giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
        15,
        1_000_000,
        1.0,
        "An toàn thực phẩm",
        0.8,
    ),
    # 8 Sở Giáo dục và Đào tạo
    _p(8, 1, "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc", 2, 0, 2.0, "Văn bằng, chứng chỉ", 1.5),
    _p(8, 2, "Chỉnh sửa nội dung văn bằng, chứng chỉ", 5, 0, 0.7, "Văn bằng, chứng chỉ", 1.0),
    _p(
        8,
        3,
        "Cấp phép tổ chức hoạt động dạy thêm, học thêm",
        10,
        0,
        0.5,
        "Giáo dục và Đào tạo",
        1.0,
    ),
    # 9 Sở Công Thương
    _p(
        9,
        1,
        "Cấp Giấy phép bán lẻ sản phẩm thuốc lá",
        15,
        1_200_000,
        1.0,
        "Lưu thông hàng hóa",
        1.0,
    ),
    _p(9, 2, "Cấp Giấy phép bán buôn rượu", 15, 1_200_000, 0.7, "Lưu thông hàng hóa", 1.0),
    _p(9, 3, "Thông báo thực hiện khuyến mại", 3, 0, 3.0, "Xúc tiến thương mại", 2.0),
    # 10 Sở Nông nghiệp và Phát triển nông thôn
    _p(
        10,
        1,
        "Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm nông, lâm, thủy sản",
        15,
        700_000,
        1.0,
        "Quản lý chất lượng nông lâm sản và thủy sản",
        0.8,
    ),
    _p(
        10,
        2,
        "Cấp giấy chứng nhận kiểm dịch động vật, sản phẩm động vật vận chuyển ra khỏi "
        "địa bàn cấp tỉnh",
        3,
        0,
        2.0,
        "Thú y",
        1.0,
    ),
    # 11 Sở Tài chính
    _p(
        11, 1, "Đăng ký mã số đơn vị có quan hệ với ngân sách", 2, 0, 2.0, "Tin học - Thống kê", 1.5
    ),
    _p(11, 2, "Thẩm tra quyết toán dự án hoàn thành", 20, 0, 0.5, "Quản lý vốn đầu tư", 0.5),
    # 12 Sở Nội vụ
    _p(12, 1, "Phê duyệt điều lệ hội", 30, 0, 1.0, "Tổ chức phi chính phủ", 0.5),
    _p(12, 2, "Thông báo danh mục hoạt động tôn giáo hằng năm", 15, 0, 1.0, "Tôn giáo", 0.5),
    # 13 Sở Văn hóa, Thể thao và Du lịch
    _p(
        13,
        1,
        "Cấp Giấy phép đủ điều kiện kinh doanh dịch vụ karaoke",
        5,
        4_000_000,
        1.0,
        "Văn hóa cơ sở",
        0.8,
    ),
    _p(
        13,
        2,
        "Cấp Giấy phép kinh doanh dịch vụ lữ hành nội địa",
        10,
        3_000_000,
        0.5,
        "Lữ hành",
        0.8,
    ),
    # 14 Sở Khoa học và Công nghệ
    _p(
        14,
        1,
        "Cấp giấy phép tiến hành công việc bức xạ (sử dụng thiết bị X-quang chẩn đoán trong y tế)",
        15,
        2_000_000,
        1.0,
        "An toàn bức xạ và hạt nhân",
        0.8,
    ),
    _p(
        14,
        2,
        "Cấp Giấy chứng nhận đăng ký hoạt động khoa học và công nghệ",
        15,
        0,
        0.5,
        "Hoạt động khoa học và công nghệ",
        0.8,
    ),
    # 15 Sở Thông tin và Truyền thông
    _p(15, 1, "Cấp giấy phép xuất bản tài liệu không kinh doanh", 10, 0, 1.0, "Xuất bản", 1.0),
    _p(15, 2, "Cấp giấy phép hoạt động in", 5, 0, 0.5, "Xuất bản", 1.0),
    # 16 Ban Quản lý Khu kinh tế
    _p(
        16,
        1,
        "Cấp giấy phép lao động cho người lao động nước ngoài làm việc trong khu kinh tế",
        5,
        600_000,
        2.0,
        "Lao động",
        1.2,
    ),
    _p(16, 2, "Điều chỉnh Giấy chứng nhận đăng ký đầu tư", 10, 0, 1.0, "Đầu tư", 0.8),
    # 17 Sở Ngoại vụ
    _p(17, 1, "Cho phép sử dụng thẻ đi lại của doanh nhân APEC", 10, 0, 1.0, "Lãnh sự", 0.8),
)

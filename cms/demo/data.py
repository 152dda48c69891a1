"""The demo district: categories, cooperatives of Nghệ An and what they sell.

Commune codes are the official ones after the 2025 reform (vietnam-provinces);
coordinates are near the commune. Names, phone numbers and certificate numbers are
made up for the demo. Dates are given relative to the current year so that valid
certificates stay valid and expired ones stay expired whenever the demo is loaded.
"""

from dataclasses import dataclass, field

RGB = tuple[int, int, int]
# (years from now, month, day)
RelativeDate = tuple[int, int, int]


@dataclass(frozen=True)
class CategoryData:
    slug: str
    name: str
    colour: RGB
    description: str = ""
    parent: str | None = None


@dataclass(frozen=True)
class AreaData:
    name: str
    area_code: str
    commune_code: int
    latitude: str
    longitude: str
    hectares: str
    crops: str


@dataclass(frozen=True)
class CertificationData:
    key: str
    kind: str
    number: str
    issuer: str
    issued: RelativeDate
    expires: RelativeDate | None
    ocop_stars: int | None = None
    name: str = ""
    scope: str = ""


@dataclass(frozen=True)
class ProductData:
    slug: str
    name: str
    category: str
    unit: str
    price: int
    stock: int
    summary: str
    description: str
    shape: str
    min_order: int = 1
    season: tuple[int, ...] = ()
    ocop_stars: int | None = None
    certifications: tuple[str, ...] = ()
    gtin_item: str | None = None  # item reference under the cooperative's GS1 prefix
    draft: bool = False


@dataclass(frozen=True)
class CooperativeData:
    slug: str
    name: str
    commune_code: int
    street: str
    phone: str
    email: str
    founded_year: int
    member_count: int
    latitude: str
    longitude: str
    is_verified: bool
    story: str
    scene: str
    colour: RGB
    initials: str
    photo_captions: tuple[str, ...]
    gs1_prefix: str  # 9 digits: 893 (Việt Nam) + company number
    website: str = ""
    areas: tuple[AreaData, ...] = ()
    certifications: tuple[CertificationData, ...] = ()
    products: tuple[ProductData, ...] = field(default_factory=tuple)


ORANGE_SEASON = (10, 11, 12, 1)
POMELO_SEASON = (8, 9, 10, 11, 12)
FRESH_TEA_SEASON = (3, 4, 5, 6, 7, 8, 9, 10)
GINGER_SEASON = (11, 12, 1, 2, 3)

OCOP_ISSUER = "UBND tỉnh Nghệ An"
VIETGAP_ISSUER = "Trung tâm Chứng nhận VietGAP Bắc Trung Bộ"
ORGANIC_ISSUER = "Tổ chức chứng nhận hữu cơ theo TCVN 11041"

CATEGORIES = (
    CategoryData(
        "che",
        "Chè",
        (46, 125, 50),
        "Chè xanh tươi và chè búp khô từ các đồi chè Thanh Chương, Anh Sơn.",
    ),
    CategoryData("che-xanh", "Chè xanh", (56, 142, 60), parent="che"),
    CategoryData("che-bup-kho", "Chè búp khô", (27, 94, 32), parent="che"),
    CategoryData(
        "trai-cay",
        "Trái cây",
        (239, 108, 0),
        "Cam Vinh, bưởi hồng Quang Tiến và trái cây theo mùa.",
    ),
    CategoryData("cam", "Cam", (245, 124, 0), parent="trai-cay"),
    CategoryData("buoi", "Bưởi", (124, 179, 66), parent="trai-cay"),
    CategoryData("gao", "Gạo", (176, 137, 64), "Gạo thơm, gạo nếp và gạo lứt."),
    CategoryData(
        "mat-ong", "Mật ong", (222, 150, 20), "Mật ong hoa rừng miền Tây Nghệ An."
    ),
    CategoryData(
        "hai-san-nuoc-mam",
        "Hải sản & nước mắm",
        (21, 101, 140),
        "Nước mắm truyền thống và hải sản khô vùng biển Quỳnh Lưu.",
    ),
    CategoryData(
        "dac-san-che-bien",
        "Đặc sản chế biến",
        (141, 85, 36),
        "Gừng, tinh bột nghệ, dược liệu và sản phẩm sơ chế.",
    ),
)

COOPERATIVES = (
    CooperativeData(
        slug="htx-che-thanh-chuong",
        name="HTX Chè Thanh Chương",
        commune_code=17722,  # Xã Hạnh Lâm
        street="Xóm 4",
        phone="0912486205",
        email="chethanhchuong@example.vn",
        founded_year=2009,
        member_count=86,
        latitude="18.781200",
        longitude="105.268400",
        is_verified=True,
        scene="tea_hills",
        colour=(46, 125, 50),
        initials="TC",
        gs1_prefix="893605401",
        story=(
            "<p>Trên những quả đồi đất đỏ bazan của Hạnh Lâm, các gia đình thành "
            "viên đã trồng chè trung du từ thời ông bà. Năm 2009, 86 hộ cùng góp "
            "vốn lập hợp tác xã để có chung lò sao, chung thương hiệu và bán "
            "thẳng cho người mua thay vì qua thương lái.</p>"
            "<p>Chè được hái <b>một tôm hai lá</b> vào sáng sớm, sao trên chảo "
            "gang trong ngày. Cả vùng chè canh tác theo <b>VietGAP</b>, không dùng "
            "thuốc diệt cỏ, và mỗi lô chè đều ghi rõ đồi hái, ngày sao.</p>"
        ),
        photo_captions=(
            "Đồi chè Hạnh Lâm lúc bình minh",
            "Thành viên hợp tác xã hái chè một tôm hai lá",
            "Lò sao chè thủ công của hợp tác xã",
        ),
        areas=(
            AreaData(
                "Đồi chè Hạnh Lâm",
                "VN-NATE-0012",
                17722,
                "18.783400",
                "105.270100",
                "24.50",
                "chè xanh trung du",
            ),
            AreaData(
                "Đồi chè Cát Ngạn",
                "VN-NATE-0015",
                17728,
                "18.812600",
                "105.236900",
                "16.00",
                "chè xanh, chè lai LDP1",
            ),
        ),
        certifications=(
            CertificationData(
                "vietgap",
                "vietgap",
                "VietGAP-TT-19-07-40-0112",
                VIETGAP_ISSUER,
                (-1, 4, 12),
                (2, 4, 11),
                scope="Chè xanh búp tươi, 40,5 ha",
            ),
            CertificationData(
                "ocop4",
                "ocop",
                "2381/QĐ-UBND",
                OCOP_ISSUER,
                (-2, 9, 20),
                (1, 9, 19),
                ocop_stars=4,
                scope="Chè búp khô Thanh Chương",
            ),
            CertificationData(
                "organic",
                "organic",
                "HC-2020-0417",
                ORGANIC_ISSUER,
                (-6, 6, 1),
                (-3, 5, 31),
                scope="Đồi chè Hạnh Lâm (đã hết hạn, đang đánh giá lại)",
            ),
        ),
        products=(
            ProductData(
                "che-xanh-tuoi-thanh-chuong",
                "Chè xanh tươi Thanh Chương",
                "che-xanh",
                "kg",
                35000,
                120,
                "Búp chè hái buổi sáng, giao trong ngày ở Vinh.",
                "<p>Chè xanh trung du hái tay, để nấu nước chè tươi đặc sánh, "
                "chát dịu và ngọt hậu.</p>",
                "leaf",
                min_order=2,
                season=FRESH_TEA_SEASON,
                certifications=("vietgap",),
            ),
            ProductData(
                "che-bup-kho-thanh-chuong",
                "Chè búp khô Thanh Chương",
                "che-bup-kho",
                "500g",
                180000,
                60,
                "Sao thủ công trên chảo gang, nước xanh, hương cốm.",
                "<p>Búp chè một tôm hai lá sao trong ngày. Pha 80–85 °C để giữ "
                "vị ngọt, hãm 2 phút.</p>",
                "tea_bag",
                ocop_stars=4,
                certifications=("vietgap", "ocop4"),
                gtin_item="001",
            ),
            ProductData(
                "che-bup-kho-hop-qua",
                "Chè búp khô Thanh Chương hộp quà",
                "che-bup-kho",
                "box",
                320000,
                25,
                "Hộp quà sơn mài đỏ, hai túi 250 g hút chân không.",
                "<p>Món quà Tết của xứ Nghệ: chè búp khô loại đặc biệt trong hộp "
                "sơn mài, kèm thiệp giới thiệu vùng chè.</p>",
                "box",
                ocop_stars=4,
                certifications=("ocop4",),
                gtin_item="002",
            ),
            ProductData(
                "che-nu-thanh-chuong",
                "Chè nụ Thanh Chương",
                "che-bup-kho",
                "500g",
                150000,
                0,
                "Nụ chè phơi khô, nước vàng sánh, vị ngọt thanh.",
                "<p>Nụ chè hái cuối mùa, phơi nắng nhẹ. Tạm hết hàng, có lại vào "
                "tháng 3.</p>",
                "tea_bag",
            ),
            ProductData(
                "che-xanh-tui-loc",
                "Chè xanh túi lọc Hạnh Lâm",
                "che-xanh",
                "box",
                65000,
                80,
                "Hộp 25 túi lọc, tiện pha ở văn phòng.",
                "<p>Chè xanh nghiền vừa, đóng túi lọc giấy không tẩy trắng.</p>",
                "box",
                certifications=("vietgap",),
            ),
            ProductData(
                "bot-che-xanh-thanh-chuong",
                "Bột chè xanh Thanh Chương",
                "che-xanh",
                "jar",
                120000,
                15,
                "Bột chè xanh nguyên chất, dùng pha đồ uống, làm bánh.",
                "<p>Sản phẩm đang thử nghiệm, chưa mở bán.</p>",
                "jar",
                draft=True,
            ),
        ),
    ),
    CooperativeData(
        slug="htx-cam-vinh-quy-hop",
        name="HTX Cam Vinh Quỳ Hợp",
        commune_code=17035,  # Xã Quỳ Hợp
        street="Bản Tổng Chài",
        phone="0986312440",
        email="camvinhquyhop@example.vn",
        founded_year=2012,
        member_count=54,
        latitude="19.323500",
        longitude="105.181700",
        is_verified=True,
        scene="orchard",
        colour=(239, 108, 0),
        initials="CV",
        gs1_prefix="893605402",
        story=(
            "<p>Cam Vinh là chỉ dẫn địa lý của Nghệ An: vỏ mỏng, múi vàng, ngọt "
            "đậm. Trên nền đất đỏ Quỳ Hợp, 54 hộ thành viên chăm 48 ha cam theo "
            "quy trình VietGAP, tỉa cành, bón phân chuồng hoai và bao trái bằng "
            "giấy.</p><p>Cam chỉ được hái khi chín cây, từ tháng 10 đến Tết, "
            "và đóng thùng ngay tại vườn.</p>"
        ),
        photo_captions=(
            "Vườn cam Quỳ Hợp mùa thu hoạch",
            "Cam Vinh chín vàng trên cây",
            "Đóng thùng cam tại vườn",
        ),
        areas=(
            AreaData(
                "Vườn cam đồi Tổng Chài",
                "VN-NAOR-0107",
                17035,
                "19.330100",
                "105.175200",
                "32.00",
                "cam Vinh, cam Xã Đoài",
            ),
            AreaData(
                "Vườn cam Châu Lộc",
                "VN-NAOR-0112",
                17056,
                "19.352000",
                "105.120300",
                "16.20",
                "cam Vinh",
            ),
        ),
        certifications=(
            CertificationData(
                "vietgap",
                "vietgap",
                "VietGAP-TT-19-07-40-0208",
                VIETGAP_ISSUER,
                (-1, 8, 5),
                (2, 8, 4),
                scope="Cam Vinh, 48,2 ha",
            ),
            CertificationData(
                "ocop4",
                "ocop",
                "1876/QĐ-UBND",
                OCOP_ISSUER,
                (-1, 7, 2),
                (2, 7, 1),
                ocop_stars=4,
                scope="Cam Vinh Quỳ Hợp",
            ),
            CertificationData(
                "globalgap",
                "globalgap",
                "GGN 4063061234567",
                "Control Union Việt Nam",
                (-4, 3, 10),
                (-3, 3, 9),
                scope="Cam tươi xuất khẩu",
            ),
        ),
        products=(
            ProductData(
                "cam-vinh-loai-1",
                "Cam Vinh loại 1",
                "cam",
                "kg",
                45000,
                400,
                "Quả 4–5 quả/kg, vỏ mỏng, ngọt đậm.",
                "<p>Cam Vinh hái chín cây, chọn quả đều, không dùng chất bảo quản.</p>",
                "orange",
                min_order=3,
                season=ORANGE_SEASON,
                ocop_stars=4,
                certifications=("vietgap", "ocop4"),
            ),
            ProductData(
                "cam-vinh-loai-2",
                "Cam Vinh loại 2",
                "cam",
                "kg",
                32000,
                250,
                "Quả nhỏ hơn, vỏ có vết xước nhẹ, vị y hệt loại 1.",
                "<p>Phù hợp để vắt nước. Hái cùng vườn với cam loại 1.</p>",
                "orange",
                min_order=5,
                season=ORANGE_SEASON,
                certifications=("vietgap",),
            ),
            ProductData(
                "cam-xa-doai",
                "Cam Xã Đoài",
                "cam",
                "kg",
                55000,
                90,
                "Giống cam cổ của Nghi Lộc, thơm, nhiều nước.",
                "<p>Giống cam Xã Đoài nổi tiếng xưa dùng tiến vua, nay được "
                "thành viên hợp tác xã giữ giống trên đồi Quỳ Hợp.</p>",
                "orange",
                min_order=2,
                season=(11, 12, 1),
                certifications=("vietgap",),
            ),
            ProductData(
                "thung-qua-cam-vinh-5kg",
                "Thùng quà cam Vinh 5 kg",
                "cam",
                "box",
                250000,
                40,
                "Thùng carton in logo, 5 kg cam loại 1 chọn quả.",
                "<p>Quà biếu Tết: cam Vinh loại 1 trong thùng có tem truy xuất "
                "nguồn gốc.</p>",
                "box",
                season=ORANGE_SEASON,
                ocop_stars=4,
                certifications=("ocop4",),
                gtin_item="001",
            ),
            ProductData(
                "nuoc-cam-ep-quy-hop",
                "Nước cam ép Quỳ Hợp",
                "cam",
                "bottle",
                35000,
                0,
                "Chai 330 ml ép lạnh, không đường.",
                "<p>Ép từ cam loại 2 trong ngày, bảo quản lạnh 5 ngày.</p>",
                "bottle",
            ),
        ),
    ),
    CooperativeData(
        slug="htx-mat-ong-con-cuong",
        name="HTX Mật ong Con Cuông",
        commune_code=17254,  # Xã Con Cuông
        street="Khối 2",
        phone="0975210388",
        email="matongconcuong@example.vn",
        founded_year=2015,
        member_count=38,
        latitude="19.049600",
        longitude="104.882300",
        is_verified=True,
        scene="beehives",
        colour=(222, 150, 20),
        initials="MO",
        gs1_prefix="893605403",
        story=(
            "<p>Đàn ong của hợp tác xã được đặt ở ven vùng đệm Vườn quốc gia Pù "
            "Mát, nơi rừng nguyên sinh nở hoa quanh năm. Người nuôi ong là đồng "
            "bào Thái ở Môn Sơn, Lục Dạ, giữ nghề quay mật thủ công.</p>"
            "<p>Mật chỉ được quay khi đã vít nắp, đo độ ẩm dưới 20 % trước khi "
            "đóng chai, không pha đường, không hạ thủy phần.</p>"
        ),
        photo_captions=(
            "Thùng ong dưới tán rừng Pù Mát",
            "Cầu ong đầy mật vít nắp",
            "Quay mật thủ công",
        ),
        areas=(
            AreaData(
                "Điểm nuôi ong Môn Sơn",
                "VN-NAHO-0021",
                17263,
                "19.011200",
                "104.790500",
                "5.00",
                "ong nội, 420 đàn",
            ),
            AreaData(
                "Điểm nuôi ong Con Cuông",
                "VN-NAHO-0022",
                17254,
                "19.061000",
                "104.901800",
                "3.50",
                "ong ngoại, 260 đàn",
            ),
        ),
        certifications=(
            CertificationData(
                "ocop3",
                "ocop",
                "3012/QĐ-UBND",
                OCOP_ISSUER,
                (-1, 11, 15),
                (2, 11, 14),
                ocop_stars=3,
                scope="Mật ong hoa rừng Con Cuông",
            ),
            CertificationData(
                "vietgahp",
                "other",
                "VietGAHP-CN-40-0031",
                "Chi cục Chăn nuôi và Thú y Nghệ An",
                (-2, 5, 3),
                (1, 5, 2),
                name="VietGAHP (chăn nuôi ong)",
                scope="680 đàn ong",
            ),
        ),
        products=(
            ProductData(
                "mat-ong-hoa-rung-con-cuong",
                "Mật ong hoa rừng Con Cuông",
                "mat-ong",
                "bottle",
                280000,
                70,
                "Chai 500 ml, mật ong nội vùng đệm Pù Mát.",
                "<p>Mật sẫm màu, thơm hương hoa rừng, kết tinh nhẹ khi trời lạnh "
                "— dấu hiệu của mật thật.</p>",
                "jar",
                ocop_stars=3,
                certifications=("ocop3", "vietgahp"),
                gtin_item="001",
            ),
            ProductData(
                "mat-ong-rung-pu-mat-1-lit",
                "Mật ong rừng Pù Mát hũ 1 lít",
                "mat-ong",
                "jar",
                650000,
                12,
                "Mật ong khoái lấy từ rừng, số lượng ít mỗi năm.",
                "<p>Khai thác có kiểm soát một lần mỗi năm, để lại phần tổ cho "
                "đàn ong tái tạo.</p>",
                "jar",
                certifications=("vietgahp",),
            ),
            ProductData(
                "mat-ong-hoa-nhan",
                "Mật ong hoa nhãn",
                "mat-ong",
                "bottle",
                220000,
                45,
                "Chai 500 ml, vị ngọt thanh, thơm mùi nhãn.",
                "<p>Mùa hoa nhãn tháng 3–4, đàn ong được đưa về các vườn nhãn "
                "ven sông Lam.</p>",
                "jar",
                certifications=("vietgahp",),
            ),
            ProductData(
                "mat-ong-hoa-keo",
                "Mật ong hoa keo",
                "mat-ong",
                "bottle",
                160000,
                0,
                "Chai 500 ml, màu vàng nhạt, giá phải chăng.",
                "<p>Hết hàng, vụ mật mới từ tháng 5.</p>",
                "jar",
            ),
            ProductData(
                "phan-hoa-con-cuong",
                "Phấn hoa Con Cuông",
                "mat-ong",
                "jar",
                180000,
                30,
                "Hũ 250 g phấn hoa sấy lạnh.",
                "<p>Phấn hoa tổng hợp, sấy ở 40 °C để giữ dưỡng chất.</p>",
                "jar",
            ),
            ProductData(
                "chanh-dao-ngam-mat-ong",
                "Chanh đào ngâm mật ong",
                "mat-ong",
                "jar",
                120000,
                55,
                "Hũ 500 ml, dùng pha nước ấm mùa lạnh.",
                "<p>Chanh đào thái lát ngâm mật ong hoa rừng 3 tháng.</p>",
                "jar",
                certifications=("ocop3",),
            ),
        ),
    ),
    CooperativeData(
        slug="htx-nuoc-mam-quynh-luu",
        name="HTX Nước mắm Quỳnh Lưu",
        commune_code=17179,  # Xã Quỳnh Lưu
        street="Xóm Tân Hải",
        phone="02383864125",
        email="nuocmamquynhluu@example.vn",
        founded_year=2005,
        member_count=120,
        latitude="19.096300",
        longitude="105.704800",
        is_verified=True,
        scene="sea",
        colour=(21, 101, 140),
        initials="NM",
        gs1_prefix="893605404",
        story=(
            "<p>Làng nghề nước mắm ven biển Quỳnh Lưu đã có hàng trăm năm. Cá cơm "
            "tươi được ướp muối ngay khi thuyền cập bến, ủ chượp trong thùng gỗ "
            "từ 12 đến 18 tháng.</p><p>Hợp tác xã giữ cách làm truyền thống: "
            "<b>chỉ cá và muối</b>, không chất điều vị, không phẩm màu.</p>"
        ),
        photo_captions=(
            "Thuyền đánh cá cập bến lúc sáng sớm",
            "Thùng gỗ ủ chượp cá cơm",
            "Phơi cá khô trên bãi biển",
        ),
        areas=(
            AreaData(
                "Nhà thùng ủ chượp Quỳnh Lưu",
                "CS-40-NM-0045",
                17179,
                "19.098800",
                "105.708200",
                "1.20",
                "cá cơm, muối biển",
            ),
        ),
        certifications=(
            CertificationData(
                "ocop4",
                "ocop",
                "1544/QĐ-UBND",
                OCOP_ISSUER,
                (-1, 5, 28),
                (2, 5, 27),
                ocop_stars=4,
                scope="Nước mắm cá cơm Quỳnh Lưu",
            ),
            CertificationData(
                "haccp",
                "other",
                "HACCP-2023-1187",
                "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng 1",
                (-1, 2, 14),
                (2, 2, 13),
                name="HACCP",
                scope="Cơ sở chế biến nước mắm",
            ),
        ),
        products=(
            ProductData(
                "nuoc-mam-ca-com-quynh-luu",
                "Nước mắm cá cơm Quỳnh Lưu 40 độ đạm",
                "hai-san-nuoc-mam",
                "bottle",
                95000,
                200,
                "Chai thủy tinh 500 ml, ủ chượp 12 tháng.",
                "<p>Màu cánh gián, mặn mòi, hậu ngọt. Dùng chấm hoặc nêm.</p>",
                "bottle",
                ocop_stars=4,
                certifications=("ocop4", "haccp"),
                gtin_item="001",
            ),
            ProductData(
                "nuoc-mam-nhi-50-do-dam",
                "Nước mắm nhĩ 50 độ đạm",
                "hai-san-nuoc-mam",
                "bottle",
                160000,
                60,
                "Giọt nhĩ đầu tiên, chai 300 ml.",
                "<p>Nước mắm rút đầu tiên từ thùng chượp 18 tháng, đậm đặc.</p>",
                "bottle",
                ocop_stars=4,
                certifications=("ocop4", "haccp"),
                gtin_item="002",
            ),
            ProductData(
                "nuoc-mam-truyen-thong-can-2-lit",
                "Nước mắm truyền thống can 2 lít",
                "hai-san-nuoc-mam",
                "litre",
                75000,
                150,
                "Can nhựa thực phẩm, 30 độ đạm, cho bếp gia đình.",
                "<p>Giá theo lít; đặt tối thiểu một can 2 lít.</p>",
                "bottle",
                min_order=2,
                certifications=("haccp",),
            ),
            ProductData(
                "mam-tom-quynh-luu",
                "Mắm tôm Quỳnh Lưu",
                "hai-san-nuoc-mam",
                "jar",
                45000,
                90,
                "Hũ 500 g, tôm moi ướp muối phơi nắng.",
                "<p>Mắm tôm sánh mịn, thơm, dùng với bún, thịt luộc.</p>",
                "jar",
            ),
            ProductData(
                "muc-kho-quynh-luu",
                "Mực khô Quỳnh Lưu",
                "hai-san-nuoc-mam",
                "500g",
                450000,
                20,
                "Mực câu phơi một nắng rồi sấy khô, 500 g.",
                "<p>Mực câu đêm, phơi trên giàn tre ở bãi biển.</p>",
                "fish",
            ),
            ProductData(
                "ca-com-say-kho",
                "Cá cơm sấy khô",
                "hai-san-nuoc-mam",
                "500g",
                140000,
                0,
                "Túi 500 g cá cơm than sấy giòn.",
                "<p>Tạm hết hàng do biển động.</p>",
                "fish",
            ),
        ),
    ),
    CooperativeData(
        slug="htx-gao-yen-thanh",
        name="HTX Gạo Yên Thành",
        commune_code=17506,  # Xã Yên Thành
        street="Xóm Trung Thành",
        phone="0913275516",
        email="gaoyenthanh@example.vn",
        founded_year=2010,
        member_count=210,
        latitude="19.005700",
        longitude="105.447900",
        is_verified=True,
        scene="rice_field",
        colour=(176, 137, 64),
        initials="YT",
        gs1_prefix="893605405",
        story=(
            "<p>Yên Thành là vựa lúa của Nghệ An. 210 hộ thành viên cấy chung "
            "giống, chung lịch thời vụ trên cánh đồng mẫu lớn, nhờ đó gạo đồng "
            "đều từ hạt đến mùi thơm.</p><p>Một phần cánh đồng được chuyển sang "
            "canh tác hữu cơ, nuôi cá và vịt trong ruộng thay cho thuốc trừ "
            "sâu.</p>"
        ),
        photo_captions=(
            "Cánh đồng mẫu lớn Yên Thành",
            "Lúa chín vụ đông xuân",
            "Xay xát và đóng túi gạo",
        ),
        website="https://gaoyenthanh.example.vn",
        areas=(
            AreaData(
                "Cánh đồng mẫu lớn Yên Thành",
                "VN-NARI-0301",
                17506,
                "19.012300",
                "105.441000",
                "85.00",
                "lúa ST25, lúa Japonica",
            ),
            AreaData(
                "Ruộng lúa hữu cơ Đông Thành",
                "VN-NARI-0308",
                17530,
                "18.980500",
                "105.489600",
                "12.50",
                "lúa hữu cơ, lúa nếp cái hoa vàng",
            ),
        ),
        certifications=(
            CertificationData(
                "vietgap",
                "vietgap",
                "VietGAP-TT-19-07-40-0331",
                VIETGAP_ISSUER,
                (-2, 1, 20),
                (1, 1, 19),
                scope="Lúa gạo, 85 ha",
            ),
            CertificationData(
                "organic",
                "organic",
                "HC-2024-0093",
                ORGANIC_ISSUER,
                (-1, 10, 1),
                (1, 9, 30),
                scope="Ruộng lúa hữu cơ Đông Thành, 12,5 ha",
            ),
            CertificationData(
                "ocop3",
                "ocop",
                "4120/QĐ-UBND",
                OCOP_ISSUER,
                (-5, 12, 10),
                (-2, 12, 9),
                ocop_stars=3,
                scope="Gạo thơm Yên Thành",
            ),
        ),
        products=(
            ProductData(
                "gao-st25-yen-thanh",
                "Gạo ST25 Yên Thành",
                "gao",
                "bag",
                165000,
                300,
                "Túi 5 kg, hạt dài, cơm dẻo thơm.",
                "<p>Giống ST25 cấy trên cánh đồng mẫu lớn, xay mới mỗi tuần.</p>",
                "sack",
                certifications=("vietgap",),
                gtin_item="001",
            ),
            ProductData(
                "gao-huu-co-dong-thanh",
                "Gạo hữu cơ Đông Thành",
                "gao",
                "bag",
                210000,
                80,
                "Túi 5 kg, lúa cá – lúa vịt, không thuốc trừ sâu.",
                "<p>Canh tác hữu cơ được chứng nhận theo TCVN 11041.</p>",
                "sack",
                certifications=("organic",),
                gtin_item="002",
            ),
            ProductData(
                "gao-nep-cai-hoa-vang",
                "Gạo nếp cái hoa vàng",
                "gao",
                "kg",
                38000,
                150,
                "Nếp dẻo thơm, để đồ xôi, gói bánh chưng.",
                "<p>Nếp cái hoa vàng vụ mùa, hạt tròn mẩy.</p>",
                "bowl",
                min_order=2,
            ),
            ProductData(
                "gao-lut-do",
                "Gạo lứt đỏ Yên Thành",
                "gao",
                "kg",
                45000,
                100,
                "Gạo lứt giữ cám, giàu chất xơ.",
                "<p>Xay một lần, giữ lớp cám đỏ.</p>",
                "bowl",
                certifications=("organic",),
            ),
            ProductData(
                "gao-thom-yen-thanh",
                "Gạo thơm Yên Thành",
                "gao",
                "kg",
                22000,
                500,
                "Gạo ăn hằng ngày, cơm mềm, giá tốt.",
                "<p>Gạo thơm đặc sản vùng Yên Thành, mua từ 5 kg.</p>",
                "bowl",
                min_order=5,
                certifications=("vietgap",),
            ),
            ProductData(
                "gao-japonica-yen-thanh",
                "Gạo Japonica Yên Thành",
                "gao",
                "bag",
                140000,
                40,
                "Túi 5 kg hạt tròn, hợp làm cơm nắm, sushi.",
                "<p>Giống lúa Nhật trồng thử nghiệm trên cánh đồng mẫu lớn.</p>",
                "sack",
            ),
        ),
    ),
    CooperativeData(
        slug="htx-gung-ky-son",
        name="HTX Gừng Kỳ Sơn",
        commune_code=16813,  # Xã Mường Xén
        street="Bản Huồi Giảng",
        phone="0389441207",
        email="gungkyson@example.vn",
        founded_year=2016,
        member_count=45,
        latitude="19.405600",
        longitude="104.131900",
        is_verified=True,
        scene="mountains",
        colour=(141, 85, 36),
        initials="GK",
        gs1_prefix="893605406",
        story=(
            "<p>Gừng Kỳ Sơn được đồng bào Mông, Khơ Mú trồng trên nương cao trên "
            "1.000 m, củ nhỏ, xơ ít, cay nồng. Hợp tác xã thu mua gừng của 45 hộ "
            "thành viên và sơ chế ngay tại bản.</p><p>Gừng không tưới hóa chất, "
            "luân canh với ngô và đậu để giữ đất dốc.</p>"
        ),
        photo_captions=(
            "Nương gừng trên núi Kỳ Sơn",
            "Thu hoạch gừng cuối năm",
            "Sấy gừng tại nhà sơ chế của bản",
        ),
        areas=(
            AreaData(
                "Nương gừng Huồi Tụ",
                "VN-NAGI-0009",
                16828,
                "19.482700",
                "104.082100",
                "18.00",
                "gừng trâu, gừng gié",
            ),
            AreaData(
                "Nương gừng Mường Lống",
                "VN-NAGI-0010",
                16831,
                "19.552400",
                "104.191300",
                "11.50",
                "gừng gié",
            ),
        ),
        certifications=(
            CertificationData(
                "ocop3",
                "ocop",
                "2755/QĐ-UBND",
                OCOP_ISSUER,
                (-1, 8, 25),
                (2, 8, 24),
                ocop_stars=3,
                scope="Gừng sấy dẻo Kỳ Sơn",
            ),
            CertificationData(
                "vietgap",
                "vietgap",
                "VietGAP-TT-19-07-40-0097",
                VIETGAP_ISSUER,
                (-5, 3, 1),
                (-2, 2, 28),
                scope="Gừng củ, 29,5 ha",
            ),
        ),
        products=(
            ProductData(
                "gung-ky-son-tuoi",
                "Gừng Kỳ Sơn tươi",
                "dac-san-che-bien",
                "kg",
                40000,
                180,
                "Gừng gié củ nhỏ, cay nồng, ít xơ.",
                "<p>Gừng đào cuối năm, để ráo đất, không rửa để giữ lâu.</p>",
                "ginger",
                min_order=2,
                season=GINGER_SEASON,
            ),
            ProductData(
                "gung-say-deo-ky-son",
                "Gừng sấy dẻo Kỳ Sơn",
                "dac-san-che-bien",
                "box",
                85000,
                70,
                "Hộp 300 g, ngọt cay, ăn vặt mùa lạnh.",
                "<p>Gừng non thái lát, rim đường phèn và sấy dẻo.</p>",
                "box",
                ocop_stars=3,
                certifications=("ocop3",),
                gtin_item="001",
            ),
            ProductData(
                "tra-gung-mat-ong",
                "Trà gừng mật ong",
                "dac-san-che-bien",
                "box",
                70000,
                60,
                "Hộp 20 gói, pha nước nóng dùng ngay.",
                "<p>Bột gừng Kỳ Sơn với mật ong hoa rừng Con Cuông.</p>",
                "box",
            ),
            ProductData(
                "tinh-bot-gung",
                "Tinh bột gừng Kỳ Sơn",
                "dac-san-che-bien",
                "jar",
                150000,
                25,
                "Hũ 200 g tinh bột gừng nguyên chất.",
                "<p>Lọc tinh bột từ gừng già, sấy lạnh.</p>",
                "powder",
            ),
            ProductData(
                "gung-kho-thai-lat",
                "Gừng khô thái lát",
                "dac-san-che-bien",
                "500g",
                90000,
                35,
                "Gói 500 g, dùng nấu nước, làm thuốc.",
                "<p>Gừng già thái lát mỏng, phơi nắng trên giàn tre.</p>",
                "ginger",
            ),
        ),
    ),
    CooperativeData(
        slug="htx-nong-san-nghia-dan",
        name="HTX Nông sản Nghĩa Đàn",
        commune_code=16941,  # Xã Nghĩa Đàn
        street="Xóm Đông Lâm",
        phone="0962584913",
        email="nongsannghiadan@example.vn",
        founded_year=2014,
        member_count=67,
        latitude="19.358100",
        longitude="105.380600",
        is_verified=False,
        scene="orchard",
        colour=(124, 179, 66),
        initials="NĐ",
        gs1_prefix="893605407",
        story=(
            "<p>Vùng đất đỏ Phủ Quỳ hợp với cây ăn quả và cây nghệ. Hợp tác xã "
            "trồng bưởi hồng Quang Tiến, chanh leo và nghệ vàng, chế biến tinh "
            "bột nghệ tại xưởng của mình.</p>"
        ),
        photo_captions=(
            "Vườn bưởi hồng Quang Tiến",
            "Ruộng nghệ vàng Nghĩa Đàn",
            "Xưởng lọc tinh bột nghệ",
        ),
        areas=(
            AreaData(
                "Vườn bưởi Quang Tiến",
                "VN-NAGR-0004",
                16939,
                "19.310500",
                "105.431200",
                "9.80",
                "bưởi hồng Quang Tiến",
            ),
            AreaData(
                "Ruộng nghệ Nghĩa Đàn",
                "",
                16941,
                "19.366000",
                "105.372500",
                "6.00",
                "nghệ vàng, chanh leo",
            ),
        ),
        certifications=(
            CertificationData(
                "vietgap",
                "vietgap",
                "VietGAP-TT-19-07-40-0260",
                VIETGAP_ISSUER,
                (-1, 6, 18),
                (2, 6, 17),
                scope="Bưởi hồng Quang Tiến, 9,8 ha",
            ),
            CertificationData(
                "ocop3",
                "ocop",
                "3390/QĐ-UBND",
                OCOP_ISSUER,
                (-4, 11, 2),
                (-1, 11, 1),
                ocop_stars=3,
                scope="Tinh bột nghệ Nghĩa Đàn",
            ),
        ),
        products=(
            ProductData(
                "buoi-hong-quang-tien",
                "Bưởi hồng Quang Tiến",
                "buoi",
                "piece",
                60000,
                150,
                "Quả 1,2–1,5 kg, múi hồng, ngọt mát.",
                "<p>Bưởi hồng đặc sản Thái Hòa, hái khi vỏ chuyển vàng.</p>",
                "pomelo",
                min_order=2,
                season=POMELO_SEASON,
                certifications=("vietgap",),
            ),
            ProductData(
                "buoi-da-xanh-nghia-dan",
                "Bưởi da xanh Nghĩa Đàn",
                "buoi",
                "piece",
                55000,
                80,
                "Vỏ xanh, ruột hồng, ít hạt.",
                "<p>Bưởi da xanh trồng xen trong vườn bưởi hồng.</p>",
                "pomelo",
                min_order=2,
                season=POMELO_SEASON,
            ),
            ProductData(
                "chanh-leo-nghia-dan",
                "Chanh leo Nghĩa Đàn",
                "trai-cay",
                "kg",
                35000,
                120,
                "Chanh leo tím, nhiều nước, thơm.",
                "<p>Dùng pha nước, làm sinh tố, làm mứt.</p>",
                "passion",
                min_order=2,
                season=(5, 6, 7, 8, 9, 10),
            ),
            ProductData(
                "tinh-bot-nghe-nghia-dan",
                "Tinh bột nghệ Nghĩa Đàn",
                "dac-san-che-bien",
                "jar",
                250000,
                40,
                "Hũ 500 g tinh bột nghệ vàng nguyên chất.",
                "<p>Nghệ vàng xay, lọc bỏ tinh dầu và nhựa, sấy lạnh.</p>",
                "powder",
                certifications=("ocop3",),
                gtin_item="001",
            ),
            ProductData(
                "nghe-tuoi-nghia-dan",
                "Nghệ tươi Nghĩa Đàn",
                "dac-san-che-bien",
                "kg",
                30000,
                200,
                "Củ nghệ vàng tươi, dùng nấu ăn, ngâm mật ong.",
                "<p>Nghệ đào cuối năm, củ mập, màu vàng cam.</p>",
                "ginger",
                min_order=2,
            ),
        ),
    ),
    CooperativeData(
        slug="htx-duoc-lieu-que-phong",
        name="HTX Dược liệu Quế Phong",
        commune_code=16738,  # Xã Quế Phong
        street="Bản Chiềng",
        phone="0946703258",
        email="duoclieuquephong@example.vn",
        founded_year=2018,
        member_count=32,
        latitude="19.628400",
        longitude="104.903500",
        is_verified=False,
        scene="forest",
        colour=(85, 110, 60),
        initials="QP",
        gs1_prefix="893605408",
        story=(
            "<p>Dưới tán rừng Quế Phong, 32 hộ đồng bào Thái trồng và bảo tồn "
            "cây thuốc: chè hoa vàng, xạ đen, quế, sả. Hợp tác xã sấy khô và "
            "đóng gói tại bản, giữ bài thuốc của người già trong bản.</p>"
        ),
        photo_captions=(
            "Vườn dược liệu dưới tán rừng Quế Phong",
            "Phơi dược liệu trên sàn nhà sàn",
            "Hoa chè vàng mùa đông",
        ),
        areas=(
            AreaData(
                "Vườn dược liệu Tri Lễ",
                "",
                16756,
                "19.701500",
                "104.846200",
                "7.50",
                "chè hoa vàng, xạ đen, sả chanh",
            ),
        ),
        certifications=(
            CertificationData(
                "gacp",
                "other",
                "GACP-WHO-40-0007",
                "Cục Quản lý Y, Dược cổ truyền",
                (-1, 9, 9),
                (2, 9, 8),
                name="GACP-WHO (dược liệu)",
                scope="Chè hoa vàng, xạ đen",
            ),
        ),
        products=(
            ProductData(
                "tra-hoa-vang-que-phong",
                "Trà hoa vàng Quế Phong",
                "dac-san-che-bien",
                "box",
                450000,
                20,
                "Hộp 100 g hoa chè vàng sấy khô.",
                "<p>Hoa chè vàng hái tháng 12 – 2, sấy lạnh giữ màu.</p>",
                "flower",
                certifications=("gacp",),
                gtin_item="001",
            ),
            ProductData(
                "cao-xa-den",
                "Cao xạ đen Quế Phong",
                "dac-san-che-bien",
                "jar",
                380000,
                15,
                "Hũ 100 g cao đặc từ cây xạ đen.",
                "<p>Nấu cô đặc trong 3 ngày từ thân lá xạ đen.</p>",
                "jar",
                certifications=("gacp",),
            ),
            ProductData(
                "que-kho-que-phong",
                "Quế khô Quế Phong",
                "dac-san-che-bien",
                "500g",
                75000,
                60,
                "Vỏ quế thanh cuộn, thơm cay.",
                "<p>Quế bóc từ cây trên 10 năm tuổi, phơi khô tự nhiên.</p>",
                "herb",
            ),
            ProductData(
                "sa-chanh-say-kho",
                "Sả chanh sấy khô",
                "dac-san-che-bien",
                "box",
                60000,
                45,
                "Hộp 200 g, pha trà hoặc nấu nướng.",
                "<p>Sả chanh thái khúc, sấy lạnh.</p>",
                "herb",
            ),
            ProductData(
                "tinh-dau-sa-chanh",
                "Tinh dầu sả chanh Quế Phong",
                "dac-san-che-bien",
                "bottle",
                85000,
                0,
                "Chai 50 ml chưng cất hơi nước.",
                "<p>Đang chờ kết quả kiểm nghiệm lô mới.</p>",
                "bottle",
                draft=True,
            ),
        ),
    ),
)

# A two-cooperative slice for fast tests (`load_demo_data --small`).
SMALL_COOPERATIVES = ("htx-che-thanh-chuong", "htx-mat-ong-con-cuong")
SMALL_PRODUCTS_PER_COOPERATIVE = 3
